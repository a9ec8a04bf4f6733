using System.Security.Cryptography;
using System.Text;

namespace SeLetters.MigrationService.Privileges;

/// <summary>
/// The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802, RFC 7677), computed here as <c>psql \password</c>
/// does, so that <c>ALTER ROLE ... PASSWORD</c> carries the verifier and the password itself never reaches the server:
/// not its logs (<c>log_statement = ddl</c>), not <c>pg_stat_activity</c>. The server recognises the format and stores it
/// as it is; a verifier lets the server check a client's proof, but cannot be used to log in.
/// </summary>
internal static class ScramVerifier
{
    /// <summary>PostgreSQL's own defaults (scram_iterations, SCRAM_DEFAULT_SALT_LEN).</summary>
    public const int Iterations = 4096;

    private const int SaltBytes = 16;

    /// <summary><c>SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey</c>, base64 throughout.</summary>
    public static string Compute(string password) => Compute(password, RandomNumberGenerator.GetBytes(SaltBytes), Iterations);

    public static string Compute(string password, byte[] salt, int iterations)
    {
        // Npgsql, the client that logs in with it, normalises the password this way before hashing (SASLprep's NFKC step).
        var saltedPassword = Rfc2898DeriveBytes.Pbkdf2(
            Encoding.UTF8.GetBytes(password.Normalize(NormalizationForm.FormKC)), salt, iterations, HashAlgorithmName.SHA256, SHA256.HashSizeInBytes);
        var clientKey = HMACSHA256.HashData(saltedPassword, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var serverKey = HMACSHA256.HashData(saltedPassword, "Server Key"u8);
        return $"SCRAM-SHA-256${iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }
}
