using Feed.Users.Contracts;
using Mediator;

namespace Feed.Timeline.Timelines.GetTimeline;

/// <summary>The usernames of the given authors; authors unknown to Users are absent.</summary>
internal delegate ValueTask<IReadOnlyDictionary<Guid, string>> AuthorNameLookup(IReadOnlyCollection<Guid> authorIds, CancellationToken cancellationToken);

internal static class AuthorNames
{
    /// <summary>One Users query (<see cref="GetUserSummaries"/>) for all of them.</summary>
    public static async ValueTask<IReadOnlyDictionary<Guid, string>> LookUpAuthorNamesAsync(this ISender sender, IReadOnlyCollection<Guid> authorIds, CancellationToken cancellationToken)
    {
        var summaries = await sender.Send(new GetUserSummaries(authorIds), cancellationToken);
        return summaries.ToDictionary(pair => pair.Key, pair => pair.Value.Username);
    }
}
