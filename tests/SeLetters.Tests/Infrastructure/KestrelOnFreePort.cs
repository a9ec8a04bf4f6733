using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace SeLetters.Tests.Infrastructure;

internal static class KestrelOnFreePort
{
    /// <summary>
    /// Serves the factory's app on Kestrel at a free loopback port, for what the in-memory test server cannot show (a
    /// browser, Kestrel's own limits). Not <c>UseKestrel(0)</c>: that sets the port by rewriting the server's addresses
    /// after the app has started Kestrel on a thread of its own, and throws ("Addresses cannot be modified after the
    /// server has started") whenever Kestrel has bound them first (dotnet/aspnetcore#67714; it failed CI once). Kestrel
    /// is told to listen on port 0 instead, and reports the port it got in the same addresses.
    /// </summary>
    public static void StartOnFreePort<TEntryPoint>(this WebApplicationFactory<TEntryPoint> factory)
        where TEntryPoint : class
    {
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
    }
}
