using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Feed.IntegrationTests.Infrastructure;

namespace Feed.IntegrationTests.Input;

/// <summary>
/// One running API with a signed-in user, for sending generated text to every text field. The suite's
/// host runs on the suite's store set; on the PostgreSQL + Redis run an in-memory host runs beside
/// it, so each value goes to both store sets and their answers can be compared.
/// </summary>
public sealed class TextFieldHost(FeedApiFactory api, FeedUser user)
{
    public const string Password = "correct horse battery staple";

    public FeedApiFactory Api { get; } = api;

    public FeedUser User { get; private set; } = user;

    /// <summary>The user's password now: a password change must name it.</summary>
    public string CurrentPassword { get; private set; } = Password;

    public HttpClient Anonymous { get; } = api.CreateClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Sends a JSON object whose values are written escape by escape, so unpaired surrogates reach the server as sent.</summary>
    public Task<HttpResponseMessage> SendJsonAsync(HttpMethod method, string path, IReadOnlyDictionary<string, string> fields, bool signedIn)
    {
        var json = "{" + string.Join(',', fields.Select(pair => $"{Escape(pair.Key)}:{Escape(pair.Value)}")) + "}";
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return (signedIn ? User.Http : Anonymous).SendAsync(request, Ct);
    }

    public Task<HttpResponseMessage> GetAsync(string pathAndQuery, bool signedIn) =>
        (signedIn ? User.Http : Anonymous).GetAsync(pathAndQuery, Ct);

    /// <summary>After a password change, signs in again (tokens issued before it may no longer count).</summary>
    public async Task SignInAgainAsync(string password)
    {
        var token = await Anonymous.PostAsJsonAsync("/api/auth/token", new { username = User.Username, password }, Ct);
        var body = await token.Content.ReadFromJsonAsync<JsonObject>(Ct);
        var client = Api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body!["access_token"]!.GetValue<string>());
        User = User with { Http = client };
        CurrentPassword = password;
    }

    /// <summary>Percent-encodes text as a browser would: UTF-8 (an unpaired surrogate becomes U+FFFD), every byte but unreserved ones escaped.</summary>
    public static string QueryValue(string value)
    {
        var encoded = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }

    private static string Escape(string value)
    {
        var json = new StringBuilder("\"");
        foreach (var c in value)
        {
            if (c is >= ' ' and <= '~' and not '"' and not '\\')
            {
                json.Append(c);
            }
            else
            {
                json.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
        }

        return json.Append('"').ToString();
    }
}

public sealed class TextFieldHosts : IAsyncLifetime
{
    private readonly List<FeedApiFactory> _factories = [];

    public List<TextFieldHost> All { get; } = [];

    public async ValueTask InitializeAsync()
    {
        _factories.Add(new FeedApiFactory());
        if (FeedApiFactory.OnRealStores)
        {
            _factories.Add(FeedApiFactory.WithSettings(new Dictionary<string, string?> { ["Feed:Storage:Provider"] = "InMemory" }));
        }

        foreach (var factory in _factories)
        {
            All.Add(new TextFieldHost(factory, await factory.RegisterAsync()));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var factory in _factories)
        {
            await factory.DisposeAsync();
        }
    }
}
