using System.Security.Claims;
using Feed.SharedKernel.Auth;
using Feed.SharedKernel.Storage;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Feed.Users.Authentication;

/// <summary>
/// Accepts a validly signed token only for a user that exists and whose security stamp still matches
/// the one in the token (a new password changes the stamp). Stamps are kept in memory for
/// <see cref="FeedAuthOptions.SecurityStampCacheDuration"/>, so a user's requests cost one store read
/// per period, not one per request; a password change on this instance forgets the stamp at once.
/// </summary>
internal sealed class CurrentUserTokens(IUserStore store, IOptions<FeedAuthOptions> options) : IDisposable
{
    // Bounded, so that tokens naming many different users cannot grow memory without limit.
    private const int MaxCachedUsers = 100_000;

    private readonly MemoryCache _stamps = new(new MemoryCacheOptions { SizeLimit = MaxCachedUsers });

    // Counts Forget calls; a stamp read while one happened may predate the change, so it is used but not remembered.
    private readonly Lock _gate = new();
    private long _forgets;

    /// <summary>Null when the token may be used; otherwise why not (for the log, never the response).</summary>
    public async ValueTask<string?> RefusalAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var subject = principal.FindFirstValue(JwtRegisteredClaimNames.Sub);
        if (!Guid.TryParse(subject, out var userId))
        {
            return "The token's subject is not a user id.";
        }

        var stamp = await CurrentStampAsync(userId, cancellationToken);
        if (stamp is null)
        {
            return "The token's user does not exist.";
        }

        return Matches(stamp, principal.FindFirstValue(FeedAuthOptions.SecurityStampClaim))
            ? null
            : "The token was issued before the user's credentials changed.";
    }

    /// <summary>Whether a token of the user's, carrying <paramref name="tokenStamp"/>, would still be accepted (its signature aside).</summary>
    public async ValueTask<bool> IsCurrentAsync(Guid userId, string? tokenStamp, CancellationToken cancellationToken) =>
        await CurrentStampAsync(userId, cancellationToken) is { } stamp && Matches(stamp, tokenStamp);

    // A user without a stamp yet (stored before stamps existed, password never changed since) matches
    // a token without one, so an upgrade logs nobody out; their first new password gives them a stamp.
    private static bool Matches(string stamp, string? tokenStamp) =>
        string.Equals(stamp, tokenStamp ?? string.Empty, StringComparison.Ordinal);

    /// <summary>Drops the remembered stamp, so the next request reads the new one (also when a read began before it).</summary>
    public void Forget(Guid userId)
    {
        lock (_gate)
        {
            _forgets++;
            _stamps.Remove(userId);
        }
    }

    public void Dispose() => _stamps.Dispose();

    private async ValueTask<string?> CurrentStampAsync(Guid userId, CancellationToken cancellationToken)
    {
        if (_stamps.TryGetValue(userId, out string? remembered))
        {
            return remembered;
        }

        // An unknown user is remembered too (as null): a token for nobody costs no more than one for somebody.
        // Retried like a handler's read: a token checked first during a PostgreSQL restart should wait it out, not fail.
        long forgetsBefore;
        lock (_gate)
        {
            forgetsBefore = _forgets;
        }

        var user = await StoreRetry.Reads.ExecuteAsync(
            static (state, token) => state.store.GetAsync(state.userId, token), (store, userId), cancellationToken);
        var stamp = user?.SecurityStamp;
        lock (_gate)
        {
            // A password changed while this read was in flight: the stamp read may be the old one, and remembering it
            // would let the old tokens back in here for a whole cache period, after Forget had ended them.
            if (_forgets == forgetsBefore)
            {
                _stamps.Set(userId, stamp, new MemoryCacheEntryOptions
                {
                    AbsoluteExpirationRelativeToNow = options.Value.SecurityStampCacheDuration,
                    Size = 1,
                });
            }
        }

        return stamp;
    }

    /// <summary>Runs the check after the signature, lifetime, issuer and audience have been validated.</summary>
    public static void AddTo(JwtBearerOptions jwt)
    {
        jwt.Events ??= new JwtBearerEvents();
        var previous = jwt.Events.OnTokenValidated;
        jwt.Events.OnTokenValidated = async context =>
        {
            await previous(context);
            if (context.Principal is null || context.Result is not null)
            {
                return;
            }

            var tokens = context.HttpContext.RequestServices.GetRequiredService<CurrentUserTokens>();
            if (await tokens.RefusalAsync(context.Principal, context.HttpContext.RequestAborted) is { } refusal)
            {
                context.Fail(refusal);
            }
        };
    }
}
