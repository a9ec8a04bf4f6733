using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SeLetters.LoadBench;

/// <summary>
/// The request mix of issue 15 (55 % search, 20 % get by id, 5 % statistics, 20 % store) and the bookkeeping of
/// acknowledged writes, so that what the API acknowledged can be counted in the database afterwards. With skew (the
/// default), its terms are those of bench/load/skew.sql's data: some match most letters, some a few, some only the newest
/// fifth; and the letters it stores are of another kind still, matching none of them.
/// </summary>
internal sealed class Workload(HttpClient http, string apiKey, IReadOnlyList<int> existingIds, bool skew)
{
    // Evenly spread over the generated letters, as the benchmark's terms were before the skew.
    private static readonly string[] EvenTerms = ["TeSys", "Sepam", "Galaxy", "obsolescence", "PIX", "RM6", "Masterpact", "LC1D", "2024", "pdf", "end of life", "ATV"];

    // Dense (in most letters, but none of the newest fifth), medium, in the newest fifth only, and rare.
    private static readonly string[] SkewedTerms = ["pdf", "data/", "end of commercialization", "ice", "tesys", "notice", "zelio", "lc1d9", "lc1d93", "atv21"];
    private static readonly string[] SortColumns = ["id", "created_at", "document_name", "extraction_confidence", "processing_time_ms", "status"];
    private static readonly string[] Ranges = ["TeSys D", "Sepam", "Galaxy 6000", "PIX", "RM6", "Masterpact"];

    private readonly ConcurrentDictionary<int, byte> _created = new();

    /// <summary>Letters the API acknowledged as created (201).</summary>
    public IReadOnlyCollection<int> AcknowledgedLetters => [.. _created.Keys];

    public static Operation Pick(Random random) => random.Next(100) switch
    {
        < 55 => Operation.Search,
        < 75 => Operation.GetById,
        < 80 => Operation.Statistics,
        _ => Operation.Store,
    };

    /// <summary>Sends one request of the given kind and returns its HTTP status (0: no answer).</summary>
    public async Task<int> SendAsync(Operation operation, Random random, CancellationToken cancellationToken)
    {
        try
        {
            return operation switch
            {
                Operation.Search => await GetAsync(SearchUrl(random), cancellationToken),
                Operation.GetById => await GetAsync($"/api/letters/{existingIds[random.Next(existingIds.Count)]}", cancellationToken),
                Operation.Statistics => await GetAsync("/api/letters/statistics", cancellationToken),
                _ => await StoreAsync(random, cancellationToken),
            };
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }

    private async Task<int> GetAsync(string url, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return (int)response.StatusCode;
    }

    private string SearchUrl(Random random)
    {
        var terms = skew ? SkewedTerms : EvenTerms;
        var query = new List<string> { $"search={Uri.EscapeDataString(terms[random.Next(terms.Length)])}" };
        if (random.Next(4) == 0)
        {
            query.Add("status=processed");
        }

        if (random.Next(4) == 0)
        {
            query.Add(string.Create(CultureInfo.InvariantCulture, $"min_confidence={random.Next(50, 90) / 100.0}"));
        }

        if (random.Next(5) == 0)
        {
            query.Add($"product={Uri.EscapeDataString(Ranges[random.Next(Ranges.Length)])}");
        }

        query.Add($"sort_by={SortColumns[random.Next(SortColumns.Length)]}");
        query.Add(random.Next(2) == 0 ? "sort_order=asc" : "sort_order=desc");
        query.Add($"page={random.Next(1, 6)}");
        query.Add($"limit={(random.Next(3) switch { 0 => 10, 1 => 25, _ => 50 })}");
        return "/api/letters?" + string.Join('&', query);
    }

    private async Task<int> StoreAsync(Random random, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/letters") { Content = JsonContent.Create(skew ? NewerLetter(random) : NewLetter(random)) };
        request.Headers.Add("X-Api-Key", apiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            _created.TryAdd(body.RootElement.GetProperty("id").GetInt32(), 0);
        }

        return (int)response.StatusCode;
    }

    /// <summary>A processed letter as the pipeline sends it: 5 products with a catalogue match each, 6 debug steps.</summary>
    private static JsonObject NewLetter(Random random)
    {
        var range = Ranges[random.Next(Ranges.Length)];
        return Letter(random, range, $"LC1D{random.Next(10, 99)}M", $"{range} end of commercialisation {Guid.NewGuid():N}.pdf",
            $"{range}: end of commercialisation", $"/data/letters/bench/{Guid.NewGuid():N}.pdf");
    }

    /// <summary>A letter of yet another kind, matching none of the terms searched: another naming scheme and range.</summary>
    private static JsonObject NewerLetter(Random random)
    {
        var series = (string[])["Relais", "Minuterie", "Commande"];
        return Letter(random, "Acti9 iCT", $"A9C{random.Next(2, 9)}", $"NOTIF-{DateTime.UtcNow:yyyyMMdd}-{Guid.NewGuid():N}",
            $"Avis de retrait – {series[random.Next(series.Length)]} Acti9", $"inbox/{DateTime.UtcNow:yyyy/MM}/{Guid.NewGuid():N}");
    }

    private static JsonObject Letter(Random random, string range, string identifierPrefix, string name, string title, string path)
    {
        var products = new JsonArray();
        for (var p = 0; p < 5; p++)
        {
            var identifier = $"{identifierPrefix}{random.Next(10, 99)}{random.Next(1, 9)}";
            products.Add(new JsonObject
            {
                ["product_identifier"] = identifier,
                ["range_label"] = range,
                ["product_description"] = $"Contactor {identifier}, 3P, 230 V AC coil",
                ["obsolescence_status"] = "end_of_commercialisation",
                ["end_of_service_date"] = "2030-12-31",
                ["confidence_score"] = 0.9,
                ["matches"] = new JsonArray(new JsonObject
                {
                    ["ibcatalogue_product_identifier"] = identifier,
                    ["match_confidence"] = 0.87,
                    ["match_reason"] = "exact identifier",
                    ["match_type"] = "exact",
                }),
            });
        }

        var steps = new JsonArray();
        foreach (var step in new[] { "ocr", "grok_extraction", "validation", "product_matching", "range_matching", "store" })
        {
            steps.Add(new JsonObject { ["processing_step"] = step, ["step_duration_ms"] = random.Next(5, 900), ["step_success"] = true });
        }

        return new JsonObject
        {
            ["document_name"] = name,
            ["document_title"] = title,
            ["source_file_path"] = path,
            ["file_hash"] = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"),
            ["file_size"] = random.Next(40_000, 900_000),
            ["processing_time_ms"] = random.Next(2_000, 40_000),
            ["extraction_confidence"] = random.Next(60, 99) / 100.0,
            ["status"] = "processed",
            ["raw_grok_json"] = new JsonObject { ["document_type"] = "obsolescence_letter", ["range"] = range, ["language"] = "fr" },
            ["products"] = products,
            ["processing_debug"] = steps,
        };
    }
}
