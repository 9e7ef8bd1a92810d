using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Feed.Benchmarks.Scenarios;

namespace Feed.Benchmarks.Reporting;

/// <summary>
/// artifacts/bench/results.json. The scenario objects' first keys are the contract
/// (fanout: followers, entries_per_s, ceiling_per_s, ratio, visible_ms, store_ceiling_per_s,
/// store_ratio; influencer_post: small_ms, large_ms, ratio; read and read_full: rps, baseline_rps,
/// ratio, p50_ms, p99_ms, and cpu_ms_per_request further down; read_mixed: rps, baseline_rps, ratio,
/// p50_ms, p99_ms, writes_per_s, errors, cpu_ms_per_request); the others add context.
/// </summary>
internal sealed record BenchmarkResults(
    FanOutResult Fanout,
    InfluencerPostResult InfluencerPost,
    ReadResult Read,
    ReadResult ReadFull,
    ReadMixedResult ReadMixed,
    PushVsHybridResult PushVsHybrid,
    MachineInfo Machine,
    IReadOnlyList<TargetCheck> Targets)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // A file for people and scripts, never embedded in HTML: keep '+' and '>' readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

internal sealed record FanOutResult(
    int Followers,
    double EntriesPerS,
    double CeilingPerS,
    double Ratio,
    double VisibleMs,
    double StoreCeilingPerS,
    double StoreRatio,
    int BatchSize,
    int Runs,
    double PostMs,
    double FirstBatchMs,
    IReadOnlyList<double> VisibleMsRuns,
    IReadOnlyList<double> EntriesPerSRuns,
    IReadOnlyList<double> CeilingPerSRuns,
    IReadOnlyList<double> StoreCeilingPerSRuns,
    long TimelineRowsVerified,
    int CachedTimelinesChecked,
    IReadOnlyDictionary<string, double>? CpuMsPer1000Entries,
    double? OtherTenantsCores,
    string Method);

internal sealed record InfluencerPostResult(
    double SmallMs,
    double LargeMs,
    double Ratio,
    int SmallFollowers,
    int LargeFollowers,
    int Runs,
    double SmallPostMs,
    double LargePostMs,
    IReadOnlyList<double> SmallMsRuns,
    IReadOnlyList<double> LargeMsRuns,
    string Method);

internal sealed record ReadResult(
    double Rps,
    double BaselineRps,
    double Ratio,
    double P50Ms,
    double P99Ms,
    double P999Ms,
    double BaselineP50Ms,
    double BaselineP99Ms,
    int Concurrency,
    int PageSize,
    int Readers,
    int FollowsOrdinary,
    int FollowsInfluencers,
    int Rounds,
    double SecondsPerRound,
    long Requests,
    long Errors,
    IReadOnlyList<double> RpsRounds,
    IReadOnlyList<double> BaselineRpsRounds,
    IReadOnlyDictionary<string, double>? CpuMsPerRequest,
    IReadOnlyDictionary<string, double>? BaselineCpuMsPerRequest,
    double? OtherTenantsCores,
    string Method);

internal sealed record ReadMixedResult(
    double Rps,
    double BaselineRps,
    double Ratio,
    double P50Ms,
    double P99Ms,
    double WritesPerS,
    long Errors,
    IReadOnlyDictionary<string, double>? CpuMsPerRequest,
    double P999Ms,
    double BaselineP50Ms,
    double BaselineP99Ms,
    double ScheduledWritesPerS,
    IReadOnlyDictionary<string, WriteTally> Writes,
    long ReadErrors,
    long WriteErrors,
    string? FirstWriteError,
    int PagesChecked,
    int PagesWrong,
    string? FirstWrongPage,
    int Rounds,
    double SecondsPerRound,
    long Requests,
    IReadOnlyList<double> RpsRounds,
    IReadOnlyList<double> BaselineRpsRounds,
    IReadOnlyDictionary<string, double>? BaselineCpuMsPerRequest,
    double? OtherTenantsCores,
    string Method);

internal sealed record PushVsHybridResult(
    long Posts,
    long InfluencerPosts,
    long PushRows,
    long HybridRows,
    double Ratio,
    long PushTimelineRows,
    long HybridTimelineRows,
    long HybridInfluencerPostRows,
    int Influencers,
    int InfluencerThreshold,
    string Method);

internal sealed record MachineInfo(
    string Mode,
    int Cores,
    string Cpu,
    string Os,
    string Dotnet,
    string Postgres,
    string Redis,
    string RedisVersion,
    string LoadAverageAtStart,
    string LoadAverageAtEnd,
    DateTimeOffset StartedOn,
    double DurationS,
    int Seed,
    int Users,
    long Follows,
    long SeededTimelineRows,
    double SeedS,
    IReadOnlyDictionary<string, string> ApiSettings,
    IReadOnlyDictionary<string, string> PostgresSettings);

internal sealed record TargetCheck(string Name, string Target, double Value, bool Met);
