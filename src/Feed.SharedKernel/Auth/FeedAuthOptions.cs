using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Feed.SharedKernel.Auth;

/// <summary>JWT settings (<c>Feed:Auth</c>). The signing key comes from configuration; only Development ships one.</summary>
public sealed class FeedAuthOptions
{
    public const string SectionName = "Feed:Auth";

    [Required(ErrorMessage = "Feed:Auth:SigningKey is required (at least 32 characters); set it in configuration or the environment variable Feed__Auth__SigningKey.")]
    [MinLength(32, ErrorMessage = "Feed:Auth:SigningKey must be at least 32 characters.")]
    public string SigningKey { get; set; } = string.Empty;

    [Required]
    public string Issuer { get; set; } = "feed";

    [Required]
    public string Audience { get; set; } = "feed";

    [Range(1, 24 * 60)]
    public int TokenLifetimeMinutes { get; set; } = 60;

    /// <summary>
    /// How long a user's security stamp is trusted from memory when checking a token: the check costs no
    /// store read within it, and a password changed on another instance ends old tokens there after it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Feed:Auth:SecurityStampCacheDuration must be between 00:00:01 and 00:10:00.")]
    public TimeSpan SecurityStampCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The claim that carries the user's security stamp at the time the token was issued.</summary>
    public const string SecurityStampClaim = "sst";

    private static readonly JsonWebTokenHandler Tokens = new();

    public SymmetricSecurityKey CreateSigningKey() => new(Encoding.UTF8.GetBytes(SigningKey));

    /// <summary>
    /// A signed token for <paramref name="audience"/> (<see cref="Audience"/> for a bearer token; another
    /// audience makes a token no bearer check accepts), carrying the user's id, name and security stamp.
    /// </summary>
    public string CreateToken(Guid userId, string username, string securityStamp, string audience, DateTime issuedAt, TimeSpan lifetime) =>
        Tokens.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + lifetime,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = userId.ToString(),
                ["name"] = username,
                [SecurityStampClaim] = securityStamp,
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString(),
            },
            SigningCredentials = new SigningCredentials(CreateSigningKey(), SecurityAlgorithms.HmacSha256),
        });

    public TokenValidationParameters CreateValidationParameters() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = CreateSigningKey(),
        ValidateIssuerSigningKey = true,
        ValidateLifetime = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = "name",
    };
}

public static class ClaimsPrincipalExtensions
{
    /// <summary>The authenticated user's id (the token's <c>sub</c>); endpoints behind RequireAuthorization only.</summary>
    public static Guid GetUserId(this ClaimsPrincipal principal)
    {
        var subject = principal.FindFirstValue("sub") ?? principal.FindFirstValue(ClaimTypes.NameIdentifier);
        return Guid.TryParse(subject, out var id) ? id : throw new InvalidOperationException("The authenticated principal carries no user id.");
    }
}
