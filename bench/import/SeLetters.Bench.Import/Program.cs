using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DuckDB.NET.Data;
using Npgsql;
using SeLetters.SampleData;
using SeLetters.SampleData.Letters;

// Measures, for N letters (≈5 products, 5 matches, 6 debug steps each), on fresh databases of the same schema:
// (a) the migration service's import end to end, (b) the ceiling: the same rows as CSV loaded by psql \copy,
// (c) the seed's approach: one parameterised INSERT per row, on 1 % of the letters, extrapolated.
var options = ParseArguments(args);
var letters = int.Parse(options.GetValueOrDefault("letters", "100000"), CultureInfo.InvariantCulture);
var work = Directory.CreateDirectory(options["work"]).FullName;
var server = options["server"];
var service = options["migration-service"];
var psql = options["psql"];

var source = Path.Combine(work, $"letters-{letters}.duckdb");
if (!File.Exists(source))
{
    var clock = Stopwatch.StartNew();
    LettersDuckDbGenerator.Generate(source + ".tmp", new LettersSampleOptions { Letters = letters });
    File.Move(source + ".tmp", source);
    Console.WriteLine($"generated {source} ({new FileInfo(source).Length / 1048576.0:F0} MB) in {clock.Elapsed.TotalSeconds:F1} s");
}

string[] tables = ["letters", "letter_products", "letter_product_matches", "processing_debug"];
var rows = tables.ToDictionary(table => table, table => DuckScalar(source, $"SELECT count(*) FROM {table}"));
var totalRows = rows.Values.Sum();
Console.WriteLine($"source: {string.Join(", ", rows.Select(pair => $"{pair.Key} {pair.Value}"))} = {totalRows} rows");

// (a) the import, end to end (migrate + import + verify), as the operator runs it.
var a = await FreshDatabaseAsync("bench_a", migrate: false);
var report = Path.Combine(work, "report-a.json");
var (aSeconds, peakRss, exit) = RunService(a, "import", "--source", source, "--report", report);
if (exit != 0)
{
    throw new InvalidOperationException($"The import failed with exit code {exit}");
}

using var reportJson = JsonDocument.Parse(File.ReadAllText(report));
// The phases, from the report: the COPY transactions of the four tables; the build of the secondary indexes dropped
// for the load (on a second connection, overlapping the next tables' COPY) and the part of it the import waited for
// after its last table; the verification. The rest of (a) is the process start, the migrations and the sequences.
var importSection = reportJson.RootElement.GetProperty("import");
var importTables = importSection.GetProperty("tables").EnumerateArray().ToList();
var importSeconds = importTables.Sum(t => t.GetProperty("seconds").GetDouble());
var indexSeconds = importTables.Sum(t => t.GetProperty("index_seconds").GetDouble());
var indexWaitSeconds = importSection.GetProperty("index_build_wait_seconds").GetDouble();
var verifySeconds = reportJson.RootElement.GetProperty("verification").GetProperty("seconds").GetDouble();

// (b) the ceiling: CSV exported by DuckDB (not timed), loaded by psql \copy into the same fresh schema, its indexes
// in place, as the issue defines it.
var csvFiles = tables.ToDictionary(table => table, table => Path.Combine(work, $"{table}.csv"));
foreach (var table in tables)
{
    DuckExecute(source, $"COPY (SELECT {string.Join(", ", DuckColumns(source, table))} FROM {table}) TO '{csvFiles[table]}' (FORMAT CSV, HEADER)");
}

var b = await FreshDatabaseAsync("bench_b", migrate: true);
var bSeconds = CopyCsv(b);

// (b') for reference, no target: the same \copy with the import's own trick, the secondary indexes dropped first and
// built after the load (one after the other, maintenance_work_mem 256MB as the import sets it), so a/b' compares
// like with like.
var b2 = await FreshDatabaseAsync("bench_b2", migrate: true);
var b2Clock = Stopwatch.StartNew();
var definitions = new List<string>();
await using (var connection = new NpgsqlConnection(b2))
{
    await connection.OpenAsync();
    await using (var list = new NpgsqlCommand(
        """
        SELECT quote_ident(c.relname), pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid::regclass::text IN ('letters', 'letter_products', 'letter_product_matches', 'processing_debug')
          AND NOT i.indisunique AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
        """, connection))
    await using (var reader = await list.ExecuteReaderAsync())
    {
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
            definitions.Add(reader.GetString(1));
        }

        await reader.CloseAsync();
        await using var drop = new NpgsqlCommand($"DROP INDEX {string.Join(", ", names)}", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

b2Clock.Stop();
var b2Copy = CopyCsv(b2);
b2Clock.Start();
await using (var connection = new NpgsqlConnection(b2))
{
    await connection.OpenAsync();
    await using var memory = new NpgsqlCommand("SET maintenance_work_mem = '256MB'", connection);
    await memory.ExecuteNonQueryAsync();
    foreach (var definition in definitions)
    {
        await using var create = new NpgsqlCommand(definition, connection) { CommandTimeout = 0 };
        await create.ExecuteNonQueryAsync();
    }
}

var b2Seconds = b2Copy + b2Clock.Elapsed.TotalSeconds;
foreach (var csv in csvFiles.Values)
{
    File.Delete(csv);
}

// (c) row by row, on the first 1 % of the letters and their children, one INSERT per row in one transaction per table.
var c = await FreshDatabaseAsync("bench_c", migrate: true);
var subsetLetters = Math.Max(1, letters / 100);
var maxLetterId = DuckScalar(source, $"SELECT max(id) FROM (SELECT id FROM letters ORDER BY id LIMIT {subsetLetters})");
long cRows = 0;
var cClock = new Stopwatch();
await using (var connection = new NpgsqlConnection(c))
{
    await connection.OpenAsync();
    foreach (var table in tables)
    {
        var columns = DuckColumns(source, table);
        var filter = table == "letters" ? $"id <= {maxLetterId}" : $"letter_id <= {maxLetterId}";
        using var duck = new DuckDBConnection($"Data Source={source};ACCESS_MODE=READ_ONLY");
        duck.Open();
        using var select = duck.CreateCommand();
        select.CommandText = $"SELECT {string.Join(", ", columns)} FROM {table} WHERE {filter}";
        using var reader = select.ExecuteReader();
        var jsonColumns = columns.Select(column => column.EndsWith("_json", StringComparison.Ordinal)).ToArray();
        var sql = $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((column, i) => jsonColumns[i] ? $"@p{i}::jsonb" : $"@p{i}"))})";
        cClock.Start();
        await using var transaction = await connection.BeginTransactionAsync();
        while (reader.Read())
        {
            await using var insert = new NpgsqlCommand(sql, connection, transaction);
            for (var i = 0; i < columns.Count; i++)
            {
                insert.Parameters.AddWithValue($"p{i}", reader.IsDBNull(i) ? DBNull.Value : reader.GetValue(i));
            }

            await insert.ExecuteNonQueryAsync();
            cRows++;
        }

        await transaction.CommitAsync();
        cClock.Stop();
    }
}

var aRate = totalRows / aSeconds;
var aImportRate = totalRows / importSeconds;
var bRate = totalRows / bSeconds;
var b2Rate = totalRows / b2Seconds;
var cRate = cRows / cClock.Elapsed.TotalSeconds;
Console.WriteLine();
Console.WriteLine($"N = {letters} letters, {totalRows} rows");
Console.WriteLine($"(a) import end to end (migrate + import + verify): {aSeconds,8:F1} s  {aRate,10:F0} rows/s");
Console.WriteLine($"    phase: import (COPY of the four tables):       {importSeconds,8:F1} s  {aImportRate,10:F0} rows/s");
Console.WriteLine($"    phase: index build after the load:             {indexSeconds,8:F1} s  (in parallel with the next COPY; waited for {indexWaitSeconds:F1} s)");
Console.WriteLine($"    phase: verification:                           {verifySeconds,8:F1} s");
Console.WriteLine($"    rest: start, migrations, sequences:            {aSeconds - importSeconds - indexWaitSeconds - verifySeconds,8:F1} s");
Console.WriteLine($"(b) CSV + psql \\copy (ceiling):                    {bSeconds,8:F1} s  {bRate,10:F0} rows/s");
Console.WriteLine($"(b') \\copy, indexes dropped and built after:       {b2Seconds,8:F1} s  {b2Rate,10:F0} rows/s  (reference, not a target)");
Console.WriteLine($"(c) row-by-row INSERT, {cRows} rows, extrapolated:  {totalRows / cRate,8:F1} s  {cRate,10:F0} rows/s");
Console.WriteLine($"a/b = {aRate / bRate:F2} (import phase only: {aImportRate / bRate:F2})   target >= 0.8");
Console.WriteLine($"a/b' = {aRate / b2Rate:F2}   (reference)");
Console.WriteLine($"a/c = {aRate / cRate:F1} (import phase only: {aImportRate / cRate:F1})   target >= 30");
Console.WriteLine($"peak RSS of the import: {peakRss / 1048576.0:F0} MB   target < 300 MB");
return 0;

async Task<string> FreshDatabaseAsync(string name, bool migrate)
{
    await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ConnectionString))
    {
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    if (migrate && RunService(connectionString).ExitCode != 0)
    {
        throw new InvalidOperationException("Migrating failed");
    }

    return connectionString;
}

(double Seconds, long PeakRss, int ExitCode) RunService(string connectionString, params string[] arguments)
{
    var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true };
    start.ArgumentList.Add(service);
    foreach (var argument in arguments)
    {
        start.ArgumentList.Add(argument);
    }

    start.Environment["ConnectionStrings__lettersdb"] = connectionString;
    start.Environment["DOTNET_ENVIRONMENT"] = "Production";
    start.Environment["Import__Sample"] = "false";
    var clock = Stopwatch.StartNew();
    using var process = Process.Start(start)!;
    var output = process.StandardOutput.ReadToEndAsync();
    long peak = 0;
    while (!process.WaitForExit(50))
    {
        peak = Math.Max(peak, PeakRss(process.Id));
    }

    var seconds = clock.Elapsed.TotalSeconds;
    if (arguments.Length > 0)
    {
        Console.Write(output.Result);
    }

    return (seconds, peak, process.ExitCode);
}

double CopyCsv(string database)
{
    var seconds = 0.0;
    foreach (var table in tables)
    {
        var clock = Stopwatch.StartNew();
        Run(psql, database, "-v", "ON_ERROR_STOP=1", "-q", "-c", $"\\copy {table} ({string.Join(", ", DuckColumns(source, table))}) FROM '{csvFiles[table]}' CSV HEADER");
        seconds += clock.Elapsed.TotalSeconds;
    }

    return seconds;
}

static long PeakRss(int pid)
{
    try
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
    catch (IOException)
    {
        return 0;
    }
}

static void Run(string file, string connectionString, params string[] arguments)
{
    var start = new ProcessStartInfo(file) { UseShellExecute = false };
    var builder = new NpgsqlConnectionStringBuilder(connectionString);
    start.ArgumentList.Add($"host={builder.Host} port={builder.Port} dbname={builder.Database} user={builder.Username}");
    foreach (var argument in arguments)
    {
        start.ArgumentList.Add(argument);
    }

    if (!string.IsNullOrEmpty(builder.Password))
    {
        start.Environment["PGPASSWORD"] = builder.Password;
    }

    using var process = Process.Start(start)!;
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{file} exited with {process.ExitCode}");
    }
}

static long DuckScalar(string path, string sql)
{
    using var connection = new DuckDBConnection($"Data Source={path};ACCESS_MODE=READ_ONLY");
    connection.Open();
    using var command = connection.CreateCommand();
    command.CommandText = sql;
    return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
}

static void DuckExecute(string path, string sql)
{
    using var connection = new DuckDBConnection($"Data Source={path};ACCESS_MODE=READ_ONLY");
    connection.Open();
    DuckDbStatements.Execute(connection, sql);
}

static List<string> DuckColumns(string path, string table)
{
    using var connection = new DuckDBConnection($"Data Source={path};ACCESS_MODE=READ_ONLY");
    connection.Open();
    return DuckDbStatements.Columns(connection, table);
}

static Dictionary<string, string> ParseArguments(string[] args)
{
    var result = new Dictionary<string, string>();
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        result[args[i].TrimStart('-')] = args[i + 1];
    }

    return result;
}
