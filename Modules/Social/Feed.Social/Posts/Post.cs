namespace Feed.Social.Posts;

/// <summary>A row of the <c>posts</c> table (partition user_id, clustering created_on desc, post_id).</summary>
internal sealed record Post(Guid PostId, Guid UserId, string PostUrl, string PostType, DateTimeOffset CreatedOn, DateTimeOffset UpdatedOn);

/// <summary>The kinds of media a post can carry; the API accepts exactly these spellings.</summary>
internal static class PostTypes
{
    public const string Image = "image";
    public const string Video = "video";
    public const string Carousel = "carousel";

    public static readonly IReadOnlyList<string> All = [Image, Video, Carousel];

    public static bool IsKnown(string? value) => value is not null && All.Contains(value, StringComparer.Ordinal);
}

/// <summary>A post as the HTTP API returns it.</summary>
internal sealed record PostResponse(Guid PostId, Guid UserId, string PostUrl, string PostType, DateTimeOffset CreatedOn, DateTimeOffset UpdatedOn)
{
    public static PostResponse From(Post post) =>
        new(post.PostId, post.UserId, post.PostUrl, post.PostType, post.CreatedOn, post.UpdatedOn);
}
