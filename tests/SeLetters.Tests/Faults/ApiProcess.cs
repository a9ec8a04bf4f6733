using System.Diagnostics;
using SeLetters.Tests.Api;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Faults;

/// <summary>The built API as a process of its own on a loopback port, as it runs in production.</summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _output;

    private ApiProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        _output = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync())
            .ContinueWith(texts => string.Concat(texts.Result), TaskScheduler.Default);
    }

    public Uri BaseAddress { get; }

    /// <summary>Started with these variables added to its environment (TZ, configuration keys).</summary>
    public static async Task<ApiProcess> StartAsync(string connectionString, params (string Name, string Value)[] environment)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepositoryFiles.ProjectOutput("SeLetters.Api", "SeLetters.Api.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseAddress.ToString());
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__lettersdb"] = TestApiRole.ConnectionStringFor(connectionString);
        start.Environment["Api__Key"] = LettersApiFactory.ApiKey;
        start.Environment["Catalogue__Path"] = TestCatalogue.LowerCaseV2;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var api = new ApiProcess(Process.Start(start)!, baseAddress);
        using var probe = api.CreateClient();
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var alive = await probe.GetAsync("/alive");
                if (alive.IsSuccessStatusCode)
                {
                    return api;
                }
            }
            catch (HttpRequestException) when (waited.Elapsed < TimeSpan.FromSeconds(60) && !api._process.HasExited)
            {
            }

            if (api._process.HasExited)
            {
                throw new InvalidOperationException($"The API exited with {api._process.ExitCode}: {await api._output}");
            }

            await Task.Delay(100);
        }
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress };

    public HttpClient CreateWriter()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", LettersApiFactory.ApiKey);
        return client;
    }

    /// <summary>SIGKILL: no shutdown, no flush, requests cut off wherever they are.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
