namespace Feed.Api;

/// <summary>
/// The web client (<c>wwwroot</c>: plain HTML, CSS and JavaScript modules), served at <c>/</c>. Its
/// responses carry a Content-Security-Policy that allows this origin only: no inline script or style,
/// no third-party script, image or connection, and no framing.
/// </summary>
internal static class WebClient
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplication UseFeedWebClient(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                // Small files, changed with every deploy: always revalidated, never stale.
                headers.CacheControl = "no-cache";
            },
        });
        return app;
    }
}
