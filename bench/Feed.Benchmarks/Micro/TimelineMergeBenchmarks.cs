using BenchmarkDotNet.Attributes;
using Feed.SharedKernel.Paging;
using Feed.Timeline;
using Feed.Timeline.InMemory;
using Feed.Timeline.Timelines.GetTimeline;

namespace Feed.Benchmarks.Micro;

/// <summary>
/// The timeline merge on its own (no I/O): one page cut from <see cref="Sources"/> newest-first
/// sources whose entries interleave in time, hydrated from an in-memory post read model. Each
/// source hands out chunks like the store-backed sources (page + 1 first, then growing chunks), so
/// the merge's horizon logic, re-fetches, duplicate and deletion checks all run; posts are looked up
/// through <see cref="TimelineReads"/> without a cache. The sources are created in the measured call
/// (they are per-request objects in the service too).
/// </summary>
[MemoryDiagnoser]
public class TimelineMergeBenchmarks
{
    private const int EntriesPerSource = 400;

    /// <summary>Hydration's username lookup, answered at once: the merge is measured, not Users.</summary>
    private static readonly AuthorNameLookup NoNames = static (_, _) => ValueTask.FromResult<IReadOnlyDictionary<Guid, string>>(new Dictionary<Guid, string>());

    private TimelineEntry[][] _entries = [];
    private InMemoryTimelinePostStore _posts = new();
    private readonly HashSet<Guid> _authors = [];
    private TimelineReads _reads = new(new InMemoryTimelinePostStore(), NoRows(), new NoTimelineCache(), NoNames);

    /// <summary>The reader's own rows plus one source per influencer group.</summary>
    [Params(1, 4, 16, 64)]
    public int Sources { get; set; }

    [Params(20, 100)]
    public int PageSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        var start = DateTimeOffset.UnixEpoch.AddYears(55);
        _posts = new InMemoryTimelinePostStore();
        _authors.Clear();
        _entries = new TimelineEntry[Sources][];
        for (var source = 0; source < Sources; source++)
        {
            var author = Guid.NewGuid();
            _authors.Add(author);
            var entries = new TimelineEntry[EntriesPerSource];
            for (var i = 0; i < entries.Length; i++)
            {
                // A post every ~30 s per source, jittered: sources interleave.
                var at = start.AddMilliseconds(-((i * 30_000L) + random.Next(30_000)));
                var post = new TimelinePost(Guid.CreateVersion7(at), author, "https://images.example.com/p.jpg", "image", at);
                _posts.SavePostAsync(post, CancellationToken.None).AsTask().GetAwaiter().GetResult();
                entries[i] = post.ToEntry();
            }

            Array.Sort(entries, (left, right) => left.Key.CompareTo(right.Key));
            _entries[source] = entries;
        }

        _reads = new TimelineReads(_posts, NoRows(), new NoTimelineCache(), NoNames);
    }

    /// <summary>The merge here reads its sources directly; the row store stays empty.</summary>
    private static InMemoryTimelineRowStore NoRows() => new(new InMemoryTimelineReaderStore());

    [Benchmark]
    public async Task<int> FirstPage()
    {
        var sources = new ITimelineSource[Sources];
        for (var i = 0; i < sources.Length; i++)
        {
            sources[i] = new ChunkedSource(_entries[i]);
        }

        var page = await TimelineMerge.ReadPageAsync(sources, PageSize, _reads, _authors, CancellationToken.None);
        return page.Posts.Count;
    }

    /// <summary>A newest-first list read in chunks, with the horizon rules of the store-backed sources.</summary>
    private sealed class ChunkedSource(TimelineEntry[] all) : ITimelineSource
    {
        private readonly List<TimelineEntry> _entries = [];
        private int _chunk;

        public IReadOnlyList<TimelineEntry> Entries => _entries;

        public bool HasMore { get; private set; } = true;

        public SequenceKey Horizon { get; private set; }

        public ValueTask FetchAsync(int wanted, CancellationToken cancellationToken)
        {
            if (!HasMore)
            {
                return ValueTask.CompletedTask;
            }

            _chunk = _chunk == 0 ? Math.Clamp(wanted, 1, TimelineChunks.MaxChunk) : TimelineChunks.Next(_chunk, wanted);
            var count = Math.Min(_chunk, all.Length - _entries.Count);
            for (var i = 0; i < count; i++)
            {
                _entries.Add(all[_entries.Count]);
            }

            HasMore = _entries.Count < all.Length;
            if (HasMore)
            {
                Horizon = _entries[^1].Key;
            }

            return ValueTask.CompletedTask;
        }
    }
}
