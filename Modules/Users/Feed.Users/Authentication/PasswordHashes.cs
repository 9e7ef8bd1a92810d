using Microsoft.AspNetCore.Identity;

namespace Feed.Users.Authentication;

/// <summary>
/// Salted, slow password hashes (PBKDF2 through ASP.NET Core Identity's hasher). Checking a password
/// for an unknown user still runs one full verification, so response time does not reveal which
/// usernames exist.
/// </summary>
internal sealed class PasswordHashes
{
    private static readonly User Nobody = new(
        Guid.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty,
        null, null, null, false, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    private readonly IPasswordHasher<User> _hasher;
    private readonly string _decoyHash;

    public PasswordHashes(IPasswordHasher<User> hasher)
    {
        _hasher = hasher;
        _decoyHash = hasher.HashPassword(Nobody, Guid.NewGuid().ToString());
    }

    public string Hash(User user, string password) => _hasher.HashPassword(user, password);

    /// <summary>True when <paramref name="password"/> is the password of <paramref name="user"/>; false for no user.</summary>
    public bool Matches(User? user, string password)
    {
        if (user is null)
        {
            _hasher.VerifyHashedPassword(Nobody, _decoyHash, password);
            return false;
        }

        return _hasher.VerifyHashedPassword(user, user.PasswordHash, password) != PasswordVerificationResult.Failed;
    }
}
