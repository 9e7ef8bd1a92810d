using Feed.SharedKernel.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Feed.Benchmarks.Hosting;

/// <summary>
/// Bearer tokens for seeded users, signed with the key the benchmark gives the hosts: the same claims
/// as POST /api/auth/token issues, without a slow password check per user.
/// </summary>
internal sealed class AccessTokens(FeedAuthOptions options)
{
    private static readonly JsonWebTokenHandler Handler = new();

    public string For(Guid userId, string username)
    {
        var now = DateTime.UtcNow;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(4),
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = userId.ToString(),
                ["name"] = username,
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString(),
            },
            SigningCredentials = new SigningCredentials(options.CreateSigningKey(), SecurityAlgorithms.HmacSha256),
        });
    }
}
