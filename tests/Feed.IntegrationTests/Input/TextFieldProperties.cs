using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Feed.IntegrationTests.Infrastructure;

namespace Feed.IntegrationTests.Input;

/// <summary>
/// Generated text, mostly valid with control, bidi-override and surrogate characters mixed in, sent
/// through every text field of every endpoint. What the text rule predicts must happen: a value with a
/// refused character is a 400 naming the field; nothing is ever a 5xx; and on the PostgreSQL + Redis
/// run, the in-memory host beside it answers every value with the same status and the same fields.
/// </summary>
public sealed class TextFieldProperties(TextFieldHosts hosts) : IClassFixture<TextFieldHosts>
{
    private const int Samples = 30;

    private static readonly Gen<char> Troublesome = Gen.OneOf(
        Gen.Char['\0', '\u001F'], Gen.Char['\u007F', '\u009F'], Gen.Char['\u202A', '\u202E'], Gen.Char['\u2066', '\u2069'],
        Gen.Char['\uD800', '\uDFFF'], Gen.OneOf('\u200F', '\uFEFF', 'é', '\u00A0', ' ', '\u2028', '\u2029'));

    private enum Rule
    {
        /// <summary>Refuses control, line-separator, bidi-override and unpaired-surrogate characters.</summary>
        Plain,

        /// <summary>A password: refuses NUL and unpaired surrogates only.</summary>
        Secret,

        /// <summary>Only a cursor the API issued passes; no generated text is one.</summary>
        Cursor,
    }

    private sealed record TextField(string Name, Rule Rule, bool InQuery, Gen<string> Valid, Func<TextFieldHost, string, string, Task<HttpResponseMessage>> Send);

    private static readonly Dictionary<string, TextField> Fields = new TextField[]
    {
        Register("username", Gen.String[Gen.Char["abcxyz019_."], 3, 12].Select(name => "t" + name)),
        Register("first_name", Gen.String[Gen.Char["abc XYZé"], 1, 20]),
        Register("last_name", Gen.String[Gen.Char["abc XYZé"], 1, 20]),
        Register("email", Gen.String[Gen.Char["abc019."], 1, 10].Select(local => $"x{local}@example.com")),
        Register("password", Gen.String[Gen.Char["abc XYZ019!é"], 8, 20], Rule.Secret),
        Register("location", Gen.String[Gen.Char["abc XYZé,"], 0, 20]),
        Register("phone", Gen.String[Gen.Char["0123456789 +-()"], 1, 15]),
        Patch("username", Gen.String[Gen.Char["abc"], 3, 8]),
        Patch("first_name", Gen.String[Gen.Char["abc XYZé"], 1, 20]),
        Patch("last_name", Gen.String[Gen.Char["abc XYZé"], 1, 20]),
        Patch("email", Gen.String[Gen.Char["abc019."], 1, 10].Select(local => $"y{local}@example.com")),
        new("patch.password", Rule.Secret, false, Gen.String[Gen.Char["abc XYZ019!é"], 8, 20], (host, value, _) =>
            host.SendJsonAsync(HttpMethod.Patch, "/api/users/me", new Dictionary<string, string> { ["password"] = value, ["current_password"] = host.CurrentPassword }, signedIn: true)),
        new("patch.current_password", Rule.Secret, false, Gen.String[Gen.Char["abc XYZ019!é"], 8, 20], (host, value, _) =>
            host.SendJsonAsync(HttpMethod.Patch, "/api/users/me", new Dictionary<string, string> { ["password"] = "a new password 1", ["current_password"] = value }, signedIn: true)),
        Patch("location", Gen.String[Gen.Char["abc XYZé,"], 0, 20]),
        Patch("phone", Gen.String[Gen.Char["0123456789 +-()"], 1, 15]),
        new("token.username", Rule.Plain, false, Gen.String[Gen.Char["abcxyz_"], 3, 12], (host, value, _) =>
            host.SendJsonAsync(HttpMethod.Post, "/api/auth/token", new Dictionary<string, string> { ["username"] = value, ["password"] = "wrong password" }, signedIn: false)),
        new("token.password", Rule.Secret, false, Gen.String[Gen.Char["abc XYZ019!é"], 8, 20], (host, value, _) =>
            host.SendJsonAsync(HttpMethod.Post, "/api/auth/token", new Dictionary<string, string> { ["username"] = host.User.Username, ["password"] = value }, signedIn: false)),
        new("search.username", Rule.Plain, true, Gen.String[Gen.Char["abcxyz_"], 1, 6], (host, value, _) =>
            host.GetAsync($"/api/users?username={TextFieldHost.QueryValue(value)}", signedIn: false)),
        new("post.post_url", Rule.Plain, false, Gen.String[Gen.Char["abc019/"], 1, 20].Select(path => $"https://cdn.example.com/{path}"), (host, value, _) =>
            host.SendJsonAsync(HttpMethod.Post, "/api/posts", new Dictionary<string, string> { ["post_url"] = value, ["post_type"] = "image" }, signedIn: true)),
        new("post.post_type", Rule.Plain, false, Gen.OneOf("image", "video", "carousel"), (host, value, _) =>
            host.SendJsonAsync(HttpMethod.Post, "/api/posts", new Dictionary<string, string> { ["post_url"] = "https://cdn.example.com/a.jpg", ["post_type"] = value }, signedIn: true)),
        Cursor("posts.cursor", host => $"/api/users/{host.User.UserId}/posts"),
        Cursor("followers.cursor", host => $"/api/users/{host.User.UserId}/followers"),
        Cursor("following.cursor", host => $"/api/users/{host.User.UserId}/following"),
        Cursor("timeline.cursor", _ => "/api/timeline"),
    }.ToDictionary(field => field.Name);

    public static TheoryData<string> FieldNames => new(Fields.Keys);

    [Theory]
    [MemberData(nameof(FieldNames))]
    public async Task Every_value_gets_the_answer_the_text_rule_predicts_on_every_store_set(string name)
    {
        var field = Fields[name];
        var json = name.Split('.')[^1];
        var unique = 0;
        var values = Gen.Select(field.Valid, Gen.Int[0, 3], Troublesome.Array[3], Gen.Int[0, 100].Array[3], (valid, count, inserts, at) => Insert(valid, inserts[..count], at));

        await values.SampleAsync(
            async value =>
            {
                var sent = field.InQuery ? Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(value)) : value; // what a query can carry
                var suffix = $"{Interlocked.Increment(ref unique)}_{Guid.NewGuid().ToString("N")[..6]}";
                var outcomes = new List<(int Status, string[] Fields)>();
                foreach (var host in hosts.All)
                {
                    var response = await field.Send(host, value, suffix);
                    var outcome = await OutcomeAsync(response);
                    Assert.True(outcome.Status < 500, $"{name} = {Show(value)}: {outcome.Status}");
                    if (Refused(field.Rule, sent))
                    {
                        Assert.True(outcome.Status == 400 && outcome.Fields.Contains(json), $"{name} = {Show(value)}: expected a 400 naming '{json}', got {outcome.Status} [{string.Join(", ", outcome.Fields)}]");
                    }

                    if (name == "patch.password" && outcome.Status == 200)
                    {
                        await host.SignInAgainAsync(value);
                    }

                    outcomes.Add(outcome);
                }

                Assert.All(outcomes, outcome => Assert.Equivalent(outcomes[0], outcome, strict: true));
            },
            iter: Samples,
            threads: 1);
    }

    // The model of the rule, written apart from the code under test.
    private static bool Refused(Rule rule, string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var unpaired = (char.IsHighSurrogate(c) && (i + 1 == value.Length || !char.IsLowSurrogate(value[i + 1])))
                || (char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(value[i - 1])));
            var refused = rule switch
            {
                Rule.Secret => c == '\0' || unpaired,
                Rule.Plain => c < ' ' || c is >= '\u007F' and <= '\u009F' or '\u2028' or '\u2029' or >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' || unpaired,
                _ => true,
            };
            if (refused)
            {
                return true;
            }
        }

        return rule == Rule.Cursor;
    }

    private static TextField Register(string json, Gen<string> valid, Rule rule = Rule.Plain) =>
        new($"register.{json}", rule, false, valid, (host, value, suffix) =>
        {
            var registration = new Dictionary<string, string>
            {
                ["username"] = $"r_{suffix}",
                ["first_name"] = "Ada",
                ["last_name"] = "Lovelace",
                ["email"] = $"r_{suffix}@example.com",
                ["password"] = TextFieldHost.Password,
                [json] = value,
            };
            return host.SendJsonAsync(HttpMethod.Post, "/api/users", registration, signedIn: false);
        });

    private static TextField Patch(string json, Gen<string> valid, Rule rule = Rule.Plain) =>
        new($"patch.{json}", rule, false, valid, (host, value, _) =>
            host.SendJsonAsync(HttpMethod.Patch, "/api/users/me", new Dictionary<string, string> { [json] = value }, signedIn: true));

    private static TextField Cursor(string name, Func<TextFieldHost, string> path) =>
        new(name, Rule.Cursor, true, Gen.String[Gen.Char["ABCabc019-_"], 0, 60], (host, value, _) =>
            host.GetAsync($"{path(host)}?cursor={TextFieldHost.QueryValue(value)}", signedIn: true));

    private static string Insert(string valid, char[] inserts, int[] at)
    {
        var value = new StringBuilder(valid);
        for (var i = 0; i < inserts.Length; i++)
        {
            value.Insert(at[i] % (value.Length + 1), inserts[i]);
        }

        return value.ToString();
    }

    private static async Task<(int Status, string[] Fields)> OutcomeAsync(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status != 400)
        {
            return (status, []);
        }

        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();
        return (status, problem["errors"]?.AsObject().Select(error => error.Key).Order(StringComparer.Ordinal).ToArray() ?? []);
    }

    private static string Show(string value) =>
        string.Concat(value.Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:X4}"));
}
