using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace SeLetters.Tests.Faults;

public static class FaultAssertions
{
    /// <summary>A 503 problem that tells the client to retry, with nothing of the server's internals in it.</summary>
    public static void AssertUnavailableProblem(HttpStatusCode status, string body, string? mediaType)
    {
        Assert.True(status == HttpStatusCode.ServiceUnavailable, $"{(int)status}: {body}");
        if (mediaType is not null)
        {
            Assert.Equal("application/problem+json", mediaType);
        }

        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
    }

    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < timeout, $"not within {timeout}");
            await Task.Delay(50);
        }
    }
}
