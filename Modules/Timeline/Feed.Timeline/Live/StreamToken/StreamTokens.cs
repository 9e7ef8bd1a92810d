using Feed.SharedKernel.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Feed.Timeline.Live.StreamToken;

/// <summary>
/// A browser's EventSource cannot send an Authorization header, so the stream also takes a token in
/// its query (<c>?access_token=</c>). That token is of its own kind: signed like a bearer token but
/// for another audience, so it opens the stream and nothing else (the bearer scheme refuses it), and
/// it lives minutes, not an hour; a bearer token is never read from a query.
/// </summary>
internal static class StreamTokens
{
    public const string Scheme = "StreamToken";
    public const string QueryParameter = "access_token";

    public static string Audience(FeedAuthOptions auth) => auth.Audience + "-stream";

    public static AuthenticationBuilder AddStreamTokens(this IServiceCollection services)
    {
        services.AddOptions<JwtBearerOptions>(Scheme).Configure<IOptions<FeedAuthOptions>>((jwt, auth) =>
        {
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = auth.Value.CreateValidationParameters();
            jwt.TokenValidationParameters.ValidAudience = Audience(auth.Value);
            // Events may already carry the security-stamp check (configured for every JWT scheme): keep it.
            jwt.Events ??= new JwtBearerEvents();
            jwt.Events.OnMessageReceived = context =>
            {
                // Only the query: left without a token, the handler would read the Authorization header, and
                // every stream opened with a bearer token would also fail here (wrong audience), logged.
                if (context.Request.Query[QueryParameter] is [{ Length: > 0 } token])
                {
                    context.Token = token;
                }
                else
                {
                    context.NoResult();
                }

                return Task.CompletedTask;
            };
        });
        return services.AddAuthentication().AddJwtBearer(Scheme, _ => { });
    }
}
