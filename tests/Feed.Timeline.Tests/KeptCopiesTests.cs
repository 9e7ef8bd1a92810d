using Feed.Timeline.Redis;

namespace Feed.Timeline.Tests;

/// <summary>The bound on the copies a process keeps: past it, the process starts over instead of growing.</summary>
public sealed class KeptCopiesTests
{
    [Fact]
    public void Keeping_more_owners_than_the_bound_starts_over_and_replacing_a_copy_does_not_count()
    {
        var kept = new KeptCopies<string>(capacity: 2);
        var (first, second, third) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        kept.Keep(first, "a");
        kept.Keep(first, "a again");
        kept.Keep(second, "b");
        Assert.Equal("a again", kept.Find(first));
        Assert.Equal("b", kept.Find(second));

        kept.Keep(third, "c");
        Assert.Null(kept.Find(first));
        Assert.Null(kept.Find(second));
        Assert.Equal("c", kept.Find(third));
    }

    [Fact]
    public void A_forgotten_copy_frees_its_place_and_a_replaced_one_is_not_forgotten()
    {
        var kept = new KeptCopies<string>(capacity: 2);
        var (first, second, third) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        kept.Keep(first, "a");
        kept.Keep(second, "b");

        kept.Forget(first, "a");
        kept.Keep(third, "c");
        kept.Forget(second, "stale b");

        Assert.Null(kept.Find(first));
        Assert.Equal("b", kept.Find(second));
        Assert.Equal("c", kept.Find(third));
    }
}
