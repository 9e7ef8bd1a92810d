using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Feed.SharedKernel.Http;

/// <summary>
/// Request rate limits (<c>Feed:RateLimits</c>), on in every environment. Each limit is a token
/// bucket: <c>…PerMinute</c> requests a minute on average, at most <c>…Burst</c> at once. The defaults are
/// far above what a person does; a load test or a test suite that registers thousands of users from one
/// address sets <c>Enabled</c> to false.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "Feed:RateLimits";

    public bool Enabled { get; set; } = true;

    /// <summary>
    /// <c>POST /api/auth/token</c>, per client address (an IPv6 client's /64), and <c>PATCH /api/users/me</c>, per user
    /// (it may check <c>current_password</c>): a password guesser is slowed to this.
    /// </summary>
    [Range(1, 100_000, ErrorMessage = "Feed:RateLimits:TokenPerMinute must be between 1 and 100000.")]
    public int TokenPerMinute { get; set; } = 10;

    [Range(1, 100_000, ErrorMessage = "Feed:RateLimits:TokenBurst must be between 1 and 100000.")]
    public int TokenBurst { get; set; } = 5;

    /// <summary><c>POST /api/users</c>, per client address.</summary>
    [Range(1, 100_000, ErrorMessage = "Feed:RateLimits:RegistrationPerMinute must be between 1 and 100000.")]
    public int RegistrationPerMinute { get; set; } = 10;

    [Range(1, 100_000, ErrorMessage = "Feed:RateLimits:RegistrationBurst must be between 1 and 100000.")]
    public int RegistrationBurst { get; set; } = 5;

    /// <summary>Posts and follows (created or removed), per authenticated user.</summary>
    [Range(1, 100_000, ErrorMessage = "Feed:RateLimits:WritesPerMinute must be between 1 and 100000.")]
    public int WritesPerMinute { get; set; } = 60;

    [Range(1, 100_000, ErrorMessage = "Feed:RateLimits:WritesBurst must be between 1 and 100000.")]
    public int WritesBurst { get; set; } = 30;

    /// <summary><c>POST /api/timeline/stream-token</c>, per authenticated user: a page asks for one each time its stream connects.</summary>
    [Range(1, 100_000, ErrorMessage = "Feed:RateLimits:StreamTokenPerMinute must be between 1 and 100000.")]
    public int StreamTokenPerMinute { get; set; } = 30;

    [Range(1, 100_000, ErrorMessage = "Feed:RateLimits:StreamTokenBurst must be between 1 and 100000.")]
    public int StreamTokenBurst { get; set; } = 10;
}

/// <summary>The named limits an endpoint can ask for, with <c>[EnableRateLimiting(policy)]</c> on its handler.</summary>
public static class RateLimitPolicies
{
    public const string Token = "token-per-address";
    public const string Registration = "registration-per-address";
    public const string Writes = "writes-per-user";
    public const string ProfileChange = "profile-change-per-user";
    public const string StreamToken = "stream-token-per-user";
}

/// <summary>
/// ASP.NET Core's rate limiter with the service's policies. Over a limit, a request is a 429 problem
/// document with <c>Retry-After</c>, like every other refusal. The client address is the connection's (for
/// IPv6, its /64 prefix): behind a proxy, configure forwarded headers so that it is the client's, not the proxy's.
/// </summary>
public static class RateLimits
{
    public static IServiceCollection AddFeedRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>()
            .Bind(configuration.GetSection(RateLimitOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, settings) =>
        {
            var limits = settings.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RejectAsync;
            limiter.AddPolicy(RateLimitPolicies.Token, context => Bucket(limits, ClientAddress(context), limits.TokenPerMinute, limits.TokenBurst));
            limiter.AddPolicy(RateLimitPolicies.Registration, context => Bucket(limits, ClientAddress(context), limits.RegistrationPerMinute, limits.RegistrationBurst));
            limiter.AddPolicy(RateLimitPolicies.Writes, context => Bucket(limits, UserOrAddress(context), limits.WritesPerMinute, limits.WritesBurst));
            // A profile change may check a password (current_password), so it is limited as a sign-in is, per user.
            limiter.AddPolicy(RateLimitPolicies.ProfileChange, context => Bucket(limits, UserOrAddress(context), limits.TokenPerMinute, limits.TokenBurst));
            limiter.AddPolicy(RateLimitPolicies.StreamToken, context => Bucket(limits, UserOrAddress(context), limits.StreamTokenPerMinute, limits.StreamTokenBurst));
        });
        return services;
    }

    /// <summary>After authentication: the per-user limit needs to know the user.</summary>
    public static IApplicationBuilder UseFeedRateLimits(this IApplicationBuilder app) => app.UseRateLimiter();

    private static RateLimitPartition<string> Bucket(RateLimitOptions limits, string key, int perMinute, int burst) =>
        !limits.Enabled
            ? RateLimitPartition.GetNoLimiter(key)
            : RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                // One token at a time, evenly over the minute: a client never waits a whole minute for its next request.
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1) / perMinute,
                QueueLimit = 0,
                AutoReplenishment = true,
            });

    /// <summary>
    /// The client's bucket key: an IPv4 address (also when a dual-stack socket shows it as <c>::ffff:a.b.c.d</c>),
    /// or an IPv6 address's /64 prefix, since one host (a home, a phone, a cloud machine) is given a whole /64
    /// and may send from any address in it: per full IPv6 address, each request could come with a bucket of its own.
    /// </summary>
    private static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress switch
    {
        null => "unknown",
        { IsIPv4MappedToIPv6: true } mapped => mapped.MapToIPv4().ToString(),
        { AddressFamily: AddressFamily.InterNetworkV6 } v6 => Prefix64(v6),
        var v4 => v4.ToString(),
    };

    private static string Prefix64(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private static string UserOrAddress(HttpContext context) =>
        context.User.FindFirstValue("sub") is { } userId ? "user:" + userId : "address:" + ClientAddress(context);

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too Many Requests",
                Detail = $"Too many requests of this kind; try again after {seconds} s (Retry-After).",
            },
        });
    }
}
