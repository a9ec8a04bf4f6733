using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace SeLetters.Api.Extensions;

internal static class RetriedNpgsqlRead
{
    /// <summary>
    /// A read sent on Npgsql directly, on the context's connection (opened for it, closed after), retried like EF Core's
    /// own queries, so a database restart of a few seconds is bridged here too.
    /// </summary>
    public static Task<T> ReadRetriedAsync<T>(
        this DatabaseFacade database, Func<NpgsqlConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        database.CreateExecutionStrategy().ExecuteAsync(async retryCancellation =>
        {
            await database.OpenConnectionAsync(retryCancellation);
            try
            {
                return await read((NpgsqlConnection)database.GetDbConnection(), retryCancellation);
            }
            finally
            {
                await database.CloseConnectionAsync();
            }
        }, cancellationToken);
}
