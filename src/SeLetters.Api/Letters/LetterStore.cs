using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using SeLetters.Api.Catalogue;
using SeLetters.Api.Extensions;
using SeLetters.Api.Models;
using SeLetters.Data;
using SeLetters.Data.Entities;

namespace SeLetters.Api.Letters;

/// <summary>The letters in PostgreSQL, each read joined with its catalogue rows.</summary>
internal sealed class LetterStore(LettersDbContext db, CatalogueReader catalogue)
{
    /// <summary>
    /// Stores the letter with everything under it in one transaction, unless a letter with the same file hash is already
    /// stored: then that letter's id comes back with <c>Created = false</c>.
    /// </summary>
    public Task<(int Id, bool Created)> StoreAsync(LetterDocument document, CancellationToken cancellationToken)
    {
        // The retrying strategy replays the whole transaction, so everything it does happens inside.
        return db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (document.FileHash is { } hash)
            {
                await LockFileHashAsync(hash, cancellationToken);
                if (await FindIdByHashAsync(hash, cancellationToken) is { } existing)
                {
                    return (existing, false);
                }
            }

            var letter = document.ToEntity();
            db.Letters.Add(letter);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return (letter.Id, true);
        });
    }

    /// <summary>
    /// Replaces the letter's columns, products, matches and debug steps with the document's in one transaction, as a
    /// store would write them (left-out columns take the schema's defaults), keeping its id and <c>created_at</c>; written,
    /// the letter as written (<see cref="LetterDocumentQuery.ReadWrittenAsync"/>).
    /// </summary>
    public Task<WrittenLetter> ReplaceAsync(int id, LetterDocument document, string[]? expectedVersions, CancellationToken cancellationToken)
    {
        return WithCatalogueAsync(db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (document.FileHash is { } hash)
            {
                await LockFileHashAsync(hash, cancellationToken);
            }

            // Locked until commit: a concurrent write of this letter waits, then finds a new version. NO KEY UPDATE, as the
            // update itself locks: a bulk refresh that claimed this letter (docs/schema.md) and inserts its derived rows
            // takes KEY SHARE for their foreign key while this waits for the claim; FOR UPDATE would deadlock with it.
            // updated_at is the database's clock in UTC, as PatchAsync writes it.
            var current = await db.Database.SqlQuery<CurrentLetter>(
                $"""SELECT xmin::text AS "Version", now() AT TIME ZONE 'UTC' AS "Now" FROM letters WHERE id = {id} FOR NO KEY UPDATE""")
                .ToListAsync(cancellationToken);
            if (current is not [var stored])
            {
                return new WrittenLetter(WriteOutcome.NotFound, null);
            }

            if (expectedVersions is not null && !expectedVersions.Contains(stored.Version))
            {
                return new WrittenLetter(WriteOutcome.PreconditionFailed, null);
            }

            // Matches go with their products (ON DELETE CASCADE).
            await db.Database.ExecuteSqlAsync($"DELETE FROM letter_products WHERE letter_id = {id}", cancellationToken);
            await db.Database.ExecuteSqlAsync($"DELETE FROM processing_debug WHERE letter_id = {id}", cancellationToken);

            var letter = document.ToEntity();
            letter.Id = id;
            letter.UpdatedAt = stored.Now;
            // Attached with a key, the letter is updated; its products, matches and steps, without keys, are inserted.
            var entry = db.Letters.Attach(letter);
            entry.State = EntityState.Modified;
            entry.Property(l => l.CreatedAt).IsModified = false;
            foreach (var column in entry.Properties.Where(column => column.CurrentValue is null))
            {
                // An insert leaves such a column to its default; an update has to write it.
                column.CurrentValue = column.Metadata.GetDefaultValue();
            }

            await db.SaveChangesAsync(cancellationToken);
            return await CommitWrittenAsync(transaction, id, cancellationToken);
        }), cancellationToken);
    }

    /// <summary>
    /// No unique index on file_hash (imported data may hold duplicates), so concurrent writes of one file are serialised
    /// on a lock of their hash, held until commit; a look-up then sees the other's letter.
    /// </summary>
    private Task LockFileHashAsync(string hash, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({hash}, 0))", cancellationToken);

    public Task<VersionedLetter?> GetAsync(int id, CancellationToken cancellationToken) =>
        GetAsync((connection, retryCancellation) => LetterDocumentQuery.ReadAsync(connection, id, retryCancellation), cancellationToken);

    /// <summary>The first letter stored with this file hash (imported data may hold several).</summary>
    public Task<VersionedLetter?> GetByHashAsync(string fileHash, CancellationToken cancellationToken) =>
        GetAsync((connection, retryCancellation) => LetterDocumentQuery.ReadByHashAsync(connection, fileHash, retryCancellation), cancellationToken);

    private async Task<VersionedLetter?> GetAsync(
        Func<NpgsqlConnection, CancellationToken, Task<VersionedLetter?>> read, CancellationToken cancellationToken)
    {
        var stored = await db.Database.ReadRetriedAsync(read, cancellationToken);
        return stored is null ? null : await WithCatalogueAsync(stored, cancellationToken);
    }

    private async Task<VersionedLetter> WithCatalogueAsync(VersionedLetter stored, CancellationToken cancellationToken)
    {
        var identifiers = stored.Letter.Products.SelectMany(p => p.Matches).Select(m => m.IbcatalogueProductIdentifier!).Distinct().ToList();
        return stored with { Letter = stored.Letter.WithCatalogue(await catalogue.FindForEnrichmentAsync(identifiers, cancellationToken)) };
    }

    /// <summary>The catalogue is read after the write's commit: its file is no part of the transaction.</summary>
    private async Task<WrittenLetter> WithCatalogueAsync(Task<WrittenLetter> write, CancellationToken cancellationToken)
    {
        var written = await write;
        return written.Letter is { } letter ? written with { Letter = await WithCatalogueAsync(letter, cancellationToken) } : written;
    }

    /// <summary>Reads the letter as its write left it (<see cref="LetterDocumentQuery.ReadWrittenAsync"/>), then commits.</summary>
    private static async Task<WrittenLetter> CommitWrittenAsync(IDbContextTransaction transaction, int id, CancellationToken cancellationToken)
    {
        var written = await LetterDocumentQuery.ReadWrittenAsync((NpgsqlTransaction)transaction.GetDbTransaction(), id, cancellationToken)
            ?? throw new InvalidOperationException($"Letter {id}, just written in this transaction, was not found in it.");
        await transaction.CommitAsync(cancellationToken);
        return new WrittenLetter(WriteOutcome.Written, written);
    }

    /// <summary>The first letter stored with this file hash, for a write that holds the hash's lock.</summary>
    private Task<int?> FindIdByHashAsync(string fileHash, CancellationToken cancellationToken) =>
        db.Letters.Where(l => l.FileHash == fileHash).OrderBy(l => l.Id).Select(l => (int?)l.Id).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Applies the patch, with <c>updated_at</c> set to the database's clock in UTC (as every timestamp column holds it,
    /// whatever the server's or the session's TimeZone).
    /// </summary>
    public Task<WrittenLetter> PatchAsync(int id, LetterPatch patch, string[]? expectedVersions, CancellationToken cancellationToken) =>
        WithCatalogueAsync(db.Database.CreateExecutionStrategy().ExecuteAsync(async retryCancellation =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(retryCancellation);
            return await db.Database.ExecuteSqlAsync($"""
                UPDATE letters SET status = coalesce({patch.Status}, status), document_title = coalesce({patch.DocumentTitle}, document_title),
                    document_type = coalesce({patch.DocumentType}, document_type), updated_at = now() AT TIME ZONE 'UTC'
                WHERE id = {id} AND ({expectedVersions}::text[] IS NULL OR xmin::text = ANY ({expectedVersions}))
                """, retryCancellation) > 0
                ? await CommitWrittenAsync(transaction, id, retryCancellation)
                : new WrittenLetter(await NothingWrittenAsync(id, retryCancellation), null);
        }, cancellationToken), cancellationToken);

    /// <summary>Deletes the letter; its products, matches and debug steps go with it (ON DELETE CASCADE).</summary>
    public Task<WriteOutcome> DeleteAsync(int id, string[]? expectedVersions, CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async retryCancellation =>
            await db.Database.ExecuteSqlAsync($"""
                DELETE FROM letters WHERE id = {id} AND ({expectedVersions}::text[] IS NULL OR xmin::text = ANY ({expectedVersions}))
                """, retryCancellation) > 0
                ? WriteOutcome.Written
                : await NothingWrittenAsync(id, retryCancellation), cancellationToken);

    /// <summary>Why a write of one letter's row on the condition of its version wrote nothing.</summary>
    private async Task<WriteOutcome> NothingWrittenAsync(int id, CancellationToken cancellationToken) =>
        await db.Letters.AnyAsync(l => l.Id == id, cancellationToken) ? WriteOutcome.PreconditionFailed : WriteOutcome.NotFound;

    private sealed class CurrentLetter
    {
        public required string Version { get; init; }

        public required DateTime Now { get; init; }
    }
}
