using System.Net;
using System.Net.Http.Headers;
using Feed.IntegrationTests.Infrastructure;

namespace Feed.IntegrationTests.Live;

internal static class LiveApi
{
    /// <summary>A stream token for the user (<c>POST /api/timeline/stream-token</c>).</summary>
    public static async Task<string> StreamTokenAsync(this FeedUser user)
    {
        var response = await user.Http.PostAsync(new Uri("/api/timeline/stream-token", UriKind.Relative), null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.True(body["expires_in"]!.GetValue<int>() > 0);
        return body["access_token"]!.GetValue<string>();
    }

    /// <summary>Opens the user's stream as a browser does: no Authorization header, the stream token in the query.</summary>
    public static async Task<TimelineEventReader> OpenStreamAsync(this FeedUser user, FeedApiFactory? host = null)
    {
        var token = await user.StreamTokenAsync();
        var anonymous = (host ?? (FeedApiFactory)user.Host!).CreateClient();
        return await TimelineEventReader.OpenAsync(anonymous, "?access_token=" + Uri.EscapeDataString(token));
    }

    public static HttpClient WithBearer(this FeedApiFactory host, string token)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
