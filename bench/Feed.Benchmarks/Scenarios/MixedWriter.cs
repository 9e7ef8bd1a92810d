using System.Diagnostics;
using System.Text.Json;
using Feed.Demo.Graph;

namespace Feed.Benchmarks.Scenarios;

/// <summary>What the writer of <c>read_mixed</c> can do, each at its own pace.</summary>
internal enum WriteKind
{
    Post,
    InfluencerPost,
    Follow,
    Unfollow,
    Delete,
}

/// <summary>Writes of one kind: sent on schedule, answered 2xx, failed, and skipped (a delete with no post to delete yet).</summary>
internal sealed record WriteTally(double PerSecond, long Sent, long Done, long Failed, long Skipped);

/// <summary>
/// The writer of <c>read_mixed</c>: an open loop through the real HTTP API, each write sent as its user
/// (<see cref="BenchContext.Bearer"/>). Each kind has a fixed pace and its k-th write is due at
/// start + (k + ½) / rate, sent then whether or not the earlier ones have returned (a late writer catches
/// up; at most <see cref="MaxInFlight"/> wait for answers at a time, so an API that stops answering is
/// not buried). Posts are by ordinary posting accounts (each followed by about a tenth of the readers)
/// and by graph influencers (each followed by most readers); an unfollow drops one posting account a
/// reader followed from the start, and the next follow gives one to a reader who lost one, so each
/// reader's follow count stays about where it was; no (reader, account) pair is touched twice, so no
/// two writes of the run race on one follow. Deletes take a random post this writer created earlier.
/// </summary>
internal sealed class MixedWriter
{
    public static readonly IReadOnlyDictionary<WriteKind, double> Pace = new Dictionary<WriteKind, double>
    {
        [WriteKind.Post] = 50,
        [WriteKind.InfluencerPost] = 1,
        [WriteKind.Follow] = 5,
        [WriteKind.Unfollow] = 5,
        [WriteKind.Delete] = 2,
    };

    private const int MaxInFlight = 64;
    private static readonly WriteKind[] Kinds = Enum.GetValues<WriteKind>();

    private readonly BenchContext _context;
    private readonly Random _random;
    private readonly int[] _readers;
    private readonly int[] _posters;
    private readonly int[] _influencers;
    private readonly Dictionary<int, List<int>> _unfollowable = [];
    private readonly Dictionary<int, HashSet<int>> _followed = [];
    private readonly Queue<int> _owedFollow = new();
    private readonly HashSet<int> _changedReaders = [];
    private readonly List<(int Author, Guid PostId)> _created = [];
    private readonly long[] _sent = new long[Kinds.Length];
    private readonly long[] _done = new long[Kinds.Length];
    private readonly long[] _failed = new long[Kinds.Length];
    private readonly long[] _skipped = new long[Kinds.Length];
    private TimeSpan _active;
    private string? _firstError;

    public MixedWriter(BenchContext context, IReadOnlyList<int> readers)
    {
        var graph = context.Graph;
        _context = context;
        _random = new Random(graph.Spec.Seed ^ 0x3A11ED);
        _readers = [.. readers];
        // Posting accounts that drew an influencer's audience are pulled, not pushed: not "ordinary".
        _posters = [.. Enumerable.Range(graph.PosterRange.Start.Value, graph.Spec.Posters).Where(poster => !graph.IsInfluencer[poster])];
        _influencers = [.. Enumerable.Range(graph.InfluencerRange.Start.Value, graph.Spec.Influencers)];
        var isReader = readers.ToHashSet();
        foreach (var reader in readers)
        {
            _unfollowable[reader] = [];
            _followed[reader] = [];
        }

        for (var poster = graph.PosterRange.Start.Value; poster < graph.PosterRange.End.Value; poster++)
        {
            foreach (var follow in graph.FollowsOf(poster))
            {
                if (isReader.Contains(SocialGraph.Follower(follow)))
                {
                    _unfollowable[SocialGraph.Follower(follow)].Add(poster);
                    _followed[SocialGraph.Follower(follow)].Add(poster);
                }
            }
        }
    }

    /// <summary>Writes per second of all kinds together, as scheduled.</summary>
    public static double ScheduledPerSecond => Pace.Values.Sum();

    /// <summary>Successful writes per second over all the time the writer ran.</summary>
    public double WritesPerSecond => _done.Sum() / _active.TotalSeconds;

    public long Errors => _failed.Sum();

    public string? FirstError => _firstError;

    public TimeSpan Active => _active;

    /// <summary>Readers who followed or unfollowed someone in this run.</summary>
    public IReadOnlyCollection<int> ChangedReaders => _changedReaders;

    public IReadOnlyDictionary<string, WriteTally> Tallies() =>
        Kinds.ToDictionary(
            kind => JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString()),
            kind => new WriteTally(Pace[kind], _sent[(int)kind], _done[(int)kind], _failed[(int)kind], _skipped[(int)kind]),
            StringComparer.Ordinal);

    /// <summary>Writes on schedule until <paramref name="stop"/> is cancelled, then waits for the writes still out.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var started = Stopwatch.GetTimestamp();
        var due = new long[Kinds.Length];
        using var slots = new SemaphoreSlim(MaxInFlight);
        var pending = new List<Task>();
        try
        {
            while (true)
            {
                var kind = Kinds.MinBy(kind => (due[(int)kind] + 0.5) / Pace[kind]);
                var wait = TimeSpan.FromSeconds((due[(int)kind] + 0.5) / Pace[kind]) - Stopwatch.GetElapsedTime(started);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, stop);
                }

                await slots.WaitAsync(stop);
                due[(int)kind]++;
                pending.Add(WriteAsync(kind, slots));
                if (pending.Count > 4 * MaxInFlight)
                {
                    pending.RemoveAll(write => write.IsCompleted);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The leg is over; the writes already sent still count.
        }

        await Task.WhenAll(pending);
        _active += Stopwatch.GetElapsedTime(started);
    }

    private async Task WriteAsync(WriteKind kind, SemaphoreSlim slot)
    {
        try
        {
            // The choice is made here, synchronously, on the scheduling loop: only completions run concurrently.
            var write = Choose(kind);
            if (write is null)
            {
                Interlocked.Increment(ref _skipped[(int)kind]);
                return;
            }

            Interlocked.Increment(ref _sent[(int)kind]);
            try
            {
                await write();
                Interlocked.Increment(ref _done[(int)kind]);
            }
            catch (Exception error) when (error is HttpRequestException or InvalidOperationException or TaskCanceledException)
            {
                Interlocked.Increment(ref _failed[(int)kind]);
                if (Interlocked.CompareExchange(ref _firstError, $"{kind}: {error.Message}", null) is null)
                {
                    await _context.Log.WriteLineAsync($"  read_mixed: a write failed ({kind}): {error.Message}");
                }
            }
        }
        finally
        {
            slot.Release();
        }
    }

    /// <summary>The next write of <paramref name="kind"/>, its target chosen now; null when there is nothing to do.</summary>
    private Func<Task>? Choose(WriteKind kind)
    {
        switch (kind)
        {
            case WriteKind.Post:
                return PostAs(_posters[_random.Next(_posters.Length)]);
            case WriteKind.InfluencerPost:
                return PostAs(_influencers[_random.Next(_influencers.Length)]);
            case WriteKind.Unfollow:
            {
                var reader = _readers[_random.Next(_readers.Length)];
                var followees = _unfollowable[reader];
                if (followees.Count == 0)
                {
                    return null;
                }

                var index = _random.Next(followees.Count);
                var followee = followees[index];
                followees[index] = followees[^1];
                followees.RemoveAt(followees.Count - 1);
                _owedFollow.Enqueue(reader);
                _changedReaders.Add(reader);
                return () => _context.UnfollowAsync(reader, followee, CancellationToken.None);
            }

            case WriteKind.Follow:
            {
                var reader = _owedFollow.Count > 0 ? _owedFollow.Dequeue() : _readers[_random.Next(_readers.Length)];
                var followed = _followed[reader];
                int followee;
                do
                {
                    followee = _posters[_random.Next(_posters.Length)];
                }
                while (followed.Contains(followee));

                // Never unfollowed later in the run: it is not in the reader's unfollowable list.
                followed.Add(followee);
                _changedReaders.Add(reader);
                return () => _context.FollowAsync(reader, followee, CancellationToken.None);
            }

            case WriteKind.Delete:
            {
                (int Author, Guid PostId) post;
                lock (_created)
                {
                    if (_created.Count == 0)
                    {
                        return null;
                    }

                    var index = _random.Next(_created.Count);
                    post = _created[index];
                    _created[index] = _created[^1];
                    _created.RemoveAt(_created.Count - 1);
                }

                return () => _context.DeletePostAsync(post.Author, post.PostId, CancellationToken.None);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private Func<Task> PostAs(int author) => async () =>
    {
        var post = await _context.PostAsync(author, CancellationToken.None);
        lock (_created)
        {
            _created.Add((author, post.PostId));
        }
    };
}
