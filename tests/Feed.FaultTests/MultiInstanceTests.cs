using System.Net;
using Npgsql;

namespace Feed.FaultTests;

/// <summary>
/// Three API processes on one PostgreSQL database and one Redis Cluster, as behind a load balancer:
/// what is written through one instance is read through every other (posts, influencer posts,
/// follows, unfollows, deletes), and the outbox messages their three dispatchers compete for are
/// each handled once.
/// </summary>
[Collection(FaultTestGroup.Name)]
public sealed class MultiInstanceTests(FaultServers servers, FaultRedisCluster cluster, ITestOutputHelper output) : IClassFixture<FaultRedisCluster>
{
    private const int Instances = 3;

    [Fact]
    public async Task What_is_written_through_one_instance_is_read_through_every_instance()
    {
        Assert.SkipUnless(FaultServers.Available, FaultServers.SkipReason);
        var database = await servers.CreateDatabaseAsync("instances");
        // Three followers make an influencer, so the pulled posts and the lists each process keeps are shared too.
        await using var apis = await ApiInstances.StartAsync(
            servers, database, cluster.ConnectionString, Instances, new Dictionary<string, string> { ["Feed__Users__InfluencerFollowerThreshold"] = "3" });
        var (a, b, c) = (apis[0].Http, apis[1].Http, apis[2].Http);

        var author = await a.RegisterAsync("author");
        var later = await b.RegisterAsync("later");
        var influencer = await c.RegisterAsync("influencer");
        FaultUser[] readers = [await a.RegisterAsync("reader"), await b.RegisterAsync("reader"), await c.RegisterAsync("reader")];
        await b.FollowAsync(readers[0], author.UserId);
        await c.FollowAsync(readers[1], author.UserId);
        for (var i = 0; i < Instances; i++)
        {
            await apis[i].Http.FollowAsync(readers[i], influencer.UserId);
        }

        // The promotion is delivered before the influencer posts: their posts are pulled, not pushed.
        await WaitForOutboxAsync(database);
        var expected = readers.ToDictionary(reader => reader, _ => new HashSet<Guid>());
        var earlier1 = await PostAsync(c, later, 1);
        var earlier2 = await PostAsync(a, later, 2);
        var post1 = await PostAsync(a, author, 1);
        var pulled1 = await PostAsync(b, influencer, 1);
        Add(expected, [readers[0], readers[1]], post1);
        Add(expected, readers, pulled1);
        await ExpectEverywhereAsync("first posts", database, apis, expected);
        Assert.Equal(1L, await FaultDatabase.ScalarAsync<long>(database, $"SELECT count(*) FROM influencer_posts WHERE post_id = '{pulled1}'"));
        Assert.Equal(0L, await FaultDatabase.ScalarAsync<long>(database, $"SELECT count(*) FROM timeline WHERE post_id = '{pulled1}'"));

        // Posts through other instances than the reads above (which filled the cache and each process's kept copies).
        var post2 = await PostAsync(b, author, 2);
        var pulled2 = await PostAsync(c, influencer, 2);
        Add(expected, [readers[0], readers[1]], post2);
        Add(expected, readers, pulled2);
        await ExpectEverywhereAsync("posts after the reads", database, apis, expected);

        // A follow: the followee's earlier posts appear in the reads through the other instances.
        await a.FollowAsync(readers[2], later.UserId);
        Add(expected, [readers[2]], earlier1, earlier2);
        await ExpectEverywhereAsync("follow", database, apis, expected);

        // Unfollows: the author's posts leave them; so do the influencer's (pulled: only the reader's
        // followee list, cached in Redis and kept in each process, decides; the influencer, down to two
        // followers, also goes back to push for the other two).
        await c.UnfollowAsync(readers[0], author.UserId);
        expected[readers[0]].ExceptWith([post1, post2]);
        await ExpectEverywhereAsync("unfollow", database, apis, expected);
        await b.UnfollowAsync(readers[2], influencer.UserId);
        // At once, before any announcement is delivered: the unfollow dropped the reader's cached
        // state before it returned, and the other processes check their kept copies against Redis.
        foreach (var api in apis.All)
        {
            var (status, timeline) = await api.Http.ReadTimelineAsync(readers[2]);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.DoesNotContain(pulled1, timeline);
            Assert.DoesNotContain(pulled2, timeline);
        }

        expected[readers[2]].ExceptWith([pulled1, pulled2]);
        await ExpectEverywhereAsync("unfollow of an influencer", database, apis, expected);

        // Deletes: a pushed and a pulled post leave every follower's timeline on every instance.
        await a.DeletePostAsync(author, post2);
        await b.DeletePostAsync(influencer, pulled1);
        foreach (var posts in expected.Values)
        {
            posts.ExceptWith([post2, pulled1]);
        }

        await ExpectEverywhereAsync("deletes", database, apis, expected);
    }

    [Fact]
    public async Task Outbox_messages_are_handled_once_each_while_three_dispatchers_compete()
    {
        Assert.SkipUnless(FaultServers.Available, FaultServers.SkipReason);
        const int Authors = 6;
        const int Followers = 4;
        const int PostsPerAuthor = 5;
        var database = await servers.CreateDatabaseAsync("dispatch");
        await using var apis = await ApiInstances.StartAsync(servers, database, cluster.ConnectionString, Instances);
        await InstallOutboxAuditAsync(database);

        var authors = new List<FaultUser>();
        var followers = new List<FaultUser>();
        for (var i = 0; i < Authors; i++)
        {
            authors.Add(await apis[i % Instances].Http.RegisterAsync("author"));
        }

        for (var i = 0; i < Followers; i++)
        {
            var follower = await apis[i % Instances].Http.RegisterAsync("follower");
            for (var j = 0; j < Authors; j++)
            {
                await apis[(i + j) % Instances].Http.FollowAsync(follower, authors[j].UserId);
            }

            Assert.Equal(HttpStatusCode.OK, (await apis[i % Instances].Http.ReadTimelineAsync(follower)).Status); // an active reader
            followers.Add(follower);
        }

        // Every post at once, each author's spread over the three instances: each instance's
        // dispatcher is woken by its own commits and polls for the others'.
        var posting = authors.SelectMany((author, j) => Enumerable.Range(0, PostsPerAuthor)
            .Select(k => apis[(j + k) % Instances].Http.PostAsync(author, k))).ToList();
        var created = (await Task.WhenAll(posting)).Select(result =>
        {
            Assert.Equal(HttpStatusCode.Created, result.Status);
            return result.PostId!.Value;
        }).ToList();
        await WaitForOutboxAsync(database);

        var newestFirst = await NewestFirstAsync(database, created);
        Assert.Equal(Authors * PostsPerAuthor, newestFirst.Count);
        foreach (var follower in followers)
        {
            foreach (var api in apis.All)
            {
                var (status, timeline) = await api.Http.ReadTimelineAsync(follower);
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.Equal(newestFirst, timeline);
            }
        }

        Assert.Equal((long)Followers * created.Count, await FaultDatabase.ScalarAsync<long>(database, $"SELECT count(*) FROM timeline WHERE post_id IN ({string.Join(',', created.Select(id => $"'{id}'"))})"));

        // The oracle for double handling: each message inserted once, claimed once, completed once
        // by the instance that claimed it, and never put back for a retry. Two dispatchers taking the
        // same message would show two claims (each claim counts an attempt).
        var handledOtherwise = await FaultDatabase.ScalarAsync<string?>(
            database,
            """
            SELECT string_agg(type || ' ' || message_id || ': ' || events, '; ') FROM (
                SELECT message_id, min(type) AS type,
                       string_agg(event || ' #' || attempts || ' by ' || by_instance || coalesce(' (' || error || ')', ''), ', ' ORDER BY at) AS events,
                       count(*) FILTER (WHERE event = 'insert') AS inserted, count(*) FILTER (WHERE event = 'claim') AS claims,
                       count(*) FILTER (WHERE event = 'complete') AS completions, count(*) FILTER (WHERE event = 'retry') AS retries,
                       count(DISTINCT by_instance) FILTER (WHERE event IN ('claim', 'complete')) AS handlers
                FROM outbox_audit GROUP BY message_id) AS message
            WHERE inserted <> 1 OR claims <> 1 OR completions <> 1 OR retries <> 0 OR handlers <> 1
            """);
        Assert.True(handledOtherwise is null, $"Messages not handled exactly once: {handledOtherwise}");
        Assert.Equal((long)created.Count, await FaultDatabase.ScalarAsync<long>(database, "SELECT count(*) FROM outbox_audit WHERE event = 'insert' AND type = 'social.post_created'"));

        var claims = await FaultDatabase.ScalarAsync<string>(
            database, "SELECT string_agg(by_instance || ': ' || n, ', ' ORDER BY by_instance) FROM (SELECT by_instance, count(*) AS n FROM outbox_audit WHERE event = 'claim' GROUP BY by_instance) AS claimed");
        output.WriteLine($"messages claimed per instance: {claims}");
        Assert.True(await FaultDatabase.ScalarAsync<long>(database, "SELECT count(DISTINCT by_instance) FROM outbox_audit WHERE event = 'claim'") >= 2, $"The dispatchers did not compete: {claims}");
    }

    private static async Task<Guid> PostAsync(HttpClient http, FaultUser author, int number)
    {
        var (status, postId, _) = await http.PostAsync(author, number);
        Assert.Equal(HttpStatusCode.Created, status);
        return postId!.Value;
    }

    private static void Add(Dictionary<FaultUser, HashSet<Guid>> expected, IEnumerable<FaultUser> readers, params Guid[] postIds)
    {
        foreach (var reader in readers)
        {
            expected[reader].UnionWith(postIds);
        }
    }

    private static Task WaitForOutboxAsync(string database) =>
        FaultDatabase.WaitAsync(database, "SELECT count(*) = 0 FROM outbox", TimeSpan.FromSeconds(90));

    /// <summary>
    /// Once every announcement is delivered, each reader's whole timeline, read through each
    /// instance, is exactly the expected posts, newest first (the order PostgreSQL's posts table gives).
    /// </summary>
    private static async Task ExpectEverywhereAsync(string step, string database, ApiInstances apis, Dictionary<FaultUser, HashSet<Guid>> expected)
    {
        await WaitForOutboxAsync(database);
        foreach (var (reader, postIds) in expected)
        {
            var newestFirst = await NewestFirstAsync(database, postIds);
            Assert.Equal(postIds.Count, newestFirst.Count);
            for (var i = 0; i < apis.Count; i++)
            {
                var (status, timeline) = await apis[i].Http.ReadTimelineAsync(reader);
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.True(
                    newestFirst.SequenceEqual(timeline),
                    $"After {step}, {reader.Username} through instance {i}: expected [{string.Join(", ", newestFirst)}], read [{string.Join(", ", timeline)}]");
            }
        }
    }

    private static async Task<List<Guid>> NewestFirstAsync(string database, IEnumerable<Guid> postIds)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT post_id FROM posts WHERE post_id = ANY($1) ORDER BY created_on DESC, post_id DESC", connection);
        query.Parameters.AddWithValue(postIds.ToArray());
        var ordered = new List<Guid>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ordered.Add(reader.GetGuid(0));
        }

        return ordered;
    }

    /// <summary>
    /// A trigger of the test's own on the outbox table, recording every insert, claim (the attempt
    /// count goes up), retry (the due time moves) and completion (the row is deleted), with the
    /// instance whose connection did it. The service is not changed for it.
    /// </summary>
    private static async Task InstallOutboxAuditAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var install = new NpgsqlCommand(
            """
            CREATE TABLE outbox_audit (message_id uuid NOT NULL, type text NOT NULL, event text NOT NULL, attempts integer NOT NULL,
                by_instance text NOT NULL, error text, at timestamptz NOT NULL DEFAULT clock_timestamp());
            CREATE FUNCTION outbox_audit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    INSERT INTO outbox_audit (message_id, type, event, attempts, by_instance) VALUES (NEW.message_id, NEW.type, 'insert', NEW.attempts, current_setting('application_name'));
                ELSIF TG_OP = 'DELETE' THEN
                    INSERT INTO outbox_audit (message_id, type, event, attempts, by_instance) VALUES (OLD.message_id, OLD.type, 'complete', OLD.attempts, current_setting('application_name'));
                ELSIF NEW.attempts <> OLD.attempts THEN
                    INSERT INTO outbox_audit (message_id, type, event, attempts, by_instance) VALUES (NEW.message_id, NEW.type, 'claim', NEW.attempts, current_setting('application_name'));
                ELSIF NEW.due_on <> OLD.due_on THEN
                    INSERT INTO outbox_audit (message_id, type, event, attempts, by_instance, error) VALUES (NEW.message_id, NEW.type, 'retry', NEW.attempts, current_setting('application_name'), NEW.last_error);
                END IF;
                RETURN NULL;
            END $$;
            CREATE TRIGGER outbox_audit AFTER INSERT OR UPDATE OR DELETE ON outbox FOR EACH ROW EXECUTE FUNCTION outbox_audit();
            """,
            connection);
        await install.ExecuteNonQueryAsync();
    }
}
