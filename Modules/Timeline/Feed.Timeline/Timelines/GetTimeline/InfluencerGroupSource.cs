using Feed.SharedKernel.Paging;

namespace Feed.Timeline.Timelines.GetTimeline;

/// <summary>
/// A group of pulled influencers read together: one store read returns up to k posts of each
/// (k + 1 to learn which influencer has more), merged into one newest-first list. Each influencer
/// keeps its own horizon; the group's horizon is the earliest of them, because any influencer cut
/// at k may still hold posts newer than another influencer's fetched ones.
/// </summary>
internal sealed class InfluencerGroupSource : ITimelineSource
{
    private readonly TimelineReads _reads;
    private readonly SequenceKey? _after;
    private readonly int _postsPerInfluencer;
    private readonly Lane[] _lanes;
    private readonly List<TimelineEntry> _entries;
    private bool _started;

    public InfluencerGroupSource(TimelineReads reads, IReadOnlyList<Guid> influencerIds, SequenceKey? after, int postsPerInfluencer)
    {
        _reads = reads;
        _after = after;
        _postsPerInfluencer = postsPerInfluencer;
        _lanes = new Lane[influencerIds.Count];
        // Sized for the first read (most pages need no other): no regrowth per read.
        _entries = new List<TimelineEntry>(influencerIds.Count * postsPerInfluencer);
        for (var i = 0; i < _lanes.Length; i++)
        {
            _lanes[i] = new Lane(influencerIds[i]);
        }

        HasMore = _lanes.Length > 0;
    }

    public IReadOnlyList<TimelineEntry> Entries => _entries;

    public bool HasMore { get; private set; }

    public SequenceKey Horizon { get; private set; }

    public async ValueTask FetchAsync(int wanted, CancellationToken cancellationToken)
    {
        if (!HasMore)
        {
            return;
        }

        if (!_started)
        {
            _started = true;
            var influencerIds = new Guid[_lanes.Length];
            for (var i = 0; i < _lanes.Length; i++)
            {
                influencerIds[i] = _lanes[i].InfluencerId;
            }

            var posts = await _reads.GetInfluencerPostsAsync(influencerIds, _after, _postsPerInfluencer + 1, cancellationToken);
            foreach (var lane in _lanes)
            {
                Accept(lane, _postsPerInfluencer, posts);
            }
        }
        else
        {
            // Only the influencer(s) cut exactly at the group horizon hold what blocks the page; they
            // share that position, so one read serves them. (A post has one author, so it is normally one.)
            List<Guid> blocking = [];
            var chunk = 0;
            foreach (var lane in _lanes)
            {
                if (lane.HasMore && lane.Horizon == Horizon)
                {
                    blocking.Add(lane.InfluencerId);
                    chunk = Math.Max(chunk, TimelineChunks.Next(lane.Chunk, wanted));
                }
            }

            var posts = await _reads.GetInfluencerPostsAsync(blocking, Horizon, chunk + 1, cancellationToken);
            foreach (var lane in _lanes)
            {
                if (lane.HasMore && lane.Horizon == Horizon)
                {
                    Accept(lane, chunk, posts);
                }
            }
        }

        // Merge within the group: the chunks of different influencers interleave in time.
        _entries.Sort(TimelineChunks.PageOrder);
        UpdateHorizon();
    }

    private void Accept(Lane lane, int chunk, IReadOnlyDictionary<Guid, IReadOnlyList<TimelineEntry>> posts)
    {
        lane.Chunk = chunk;
        var fetched = posts.TryGetValue(lane.InfluencerId, out var list) ? list : [];
        lane.HasMore = fetched.Count > chunk;
        var kept = lane.HasMore ? chunk : fetched.Count;
        for (var i = 0; i < kept; i++)
        {
            _entries.Add(fetched[i]);
        }

        if (lane.HasMore)
        {
            lane.Horizon = fetched[kept - 1].Key;
        }
    }

    private void UpdateHorizon()
    {
        HasMore = false;
        foreach (var lane in _lanes)
        {
            if (lane.HasMore && (!HasMore || lane.Horizon < Horizon))
            {
                Horizon = lane.Horizon;
                HasMore = true;
            }
        }
    }

    /// <summary>One influencer's read progress within the group.</summary>
    private sealed class Lane(Guid influencerId)
    {
        public Guid InfluencerId { get; } = influencerId;

        public bool HasMore { get; set; }

        public SequenceKey Horizon { get; set; }

        public int Chunk { get; set; }
    }
}
