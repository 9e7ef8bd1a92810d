using System.ComponentModel.DataAnnotations;
using CsCheck;
using Feed.Users.Influence;

namespace Feed.Users.Tests.Influence;

public sealed class InfluencerThresholdsTests
{
    private static readonly InfluencerThresholds Thresholds = new(Promotion: 10, Demotion: 9);

    [Theory]
    [InlineData(0, false)]
    [InlineData(9, false)]
    [InlineData(10, true)]
    [InlineData(11, true)]
    public void An_ordinary_user_is_promoted_on_reaching_the_promotion_threshold(long followers, bool expected) =>
        Assert.Equal(expected, Thresholds.StatusFor(isInfluencer: false, followers));

    [Theory]
    [InlineData(100, true)]
    [InlineData(10, true)]
    [InlineData(9, true)]
    [InlineData(8, false)]
    [InlineData(0, false)]
    public void An_influencer_is_demoted_only_below_the_demotion_threshold(long followers, bool expected) =>
        Assert.Equal(expected, Thresholds.StatusFor(isInfluencer: true, followers));

    [Fact]
    public void Within_the_gap_the_status_stays_what_it_was() =>
        Gen.Select(Gen.Long[0, 1_000_000], Gen.Long[0, 1_000_000], Gen.Bool).Sample((a, b, isInfluencer) =>
        {
            var thresholds = new InfluencerThresholds(Math.Max(a, b), Math.Min(a, b));
            for (var followers = thresholds.Demotion; followers < thresholds.Promotion; followers += Math.Max(1, (thresholds.Promotion - thresholds.Demotion) / 7))
            {
                Assert.Equal(isInfluencer, thresholds.StatusFor(isInfluencer, followers));
            }
        });

    [Fact]
    public void A_count_moving_one_step_at_a_time_has_the_status_the_rule_gives_at_every_step()
    {
        var (promotions, demotions) = (0, 0);
        Gen.Select(Gen.Int[-1, 1].Array[1, 200], Gen.Long[1, 20]).Sample((steps, promotion) =>
        {
            var thresholds = new InfluencerThresholds(promotion, (long)decimal.Floor(promotion * 0.9m));
            var followers = 0L;
            var expected = false;
            foreach (var step in steps)
            {
                followers = Math.Max(0, followers + step);
                var actual = thresholds.StatusFor(expected, followers);

                // The rule, as a state machine: promoted on reaching the promotion threshold, demoted on
                // falling below the demotion threshold, unchanged otherwise.
                if (!expected && followers >= thresholds.Promotion)
                {
                    expected = true;
                    Interlocked.Increment(ref promotions);
                }
                else if (expected && followers < thresholds.Demotion)
                {
                    expected = false;
                    Interlocked.Increment(ref demotions);
                }

                Assert.True(expected == actual, $"{followers} followers (promotion {thresholds.Promotion}, demotion {thresholds.Demotion}): expected {expected}, got {actual}");
            }
        });

        // The walks did cross both thresholds: a generator that never reached one would prove nothing.
        Assert.True(promotions > 0 && demotions > 0, $"{promotions} promotions, {demotions} demotions");
    }

    [Theory]
    [InlineData(10_000, 9_000)]
    [InlineData(3, 2)]
    [InlineData(15, 13)]
    [InlineData(1, 0)]
    [InlineData(long.MaxValue, 8_301_034_833_169_298_226)]
    public void Demotion_threshold_defaults_to_ninety_percent_rounded_down(long promotion, long demotion)
    {
        var options = new UsersOptions { InfluencerFollowerThreshold = promotion };

        Assert.Equal(demotion, options.EffectiveDemotionFollowerThreshold);
        Assert.Equal(new InfluencerThresholds(promotion, demotion), options.ToThresholds());
    }

    [Fact]
    public void Configured_demotion_threshold_wins_over_the_default()
    {
        var options = new UsersOptions { InfluencerFollowerThreshold = 100, InfluencerDemotionFollowerThreshold = 50 };

        Assert.Equal(new InfluencerThresholds(100, 50), options.ToThresholds());
    }

    [Theory]
    [InlineData(10_000, null, true)]
    [InlineData(1, null, true)]
    [InlineData(5, 5L, true)]
    [InlineData(5, 0L, true)]
    [InlineData(0, null, false)]
    [InlineData(-3, null, false)]
    [InlineData(5, 6L, false)]
    [InlineData(5, -1L, false)]
    public void Options_are_validated(long promotion, long? demotion, bool valid)
    {
        var options = new UsersOptions { InfluencerFollowerThreshold = promotion, InfluencerDemotionFollowerThreshold = demotion };
        var results = new List<ValidationResult>();

        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.Equal(valid, results.Count == 0);
    }
}
