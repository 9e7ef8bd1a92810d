namespace Feed.Users.Profiles;

/// <summary>A user as their owner sees it: contact details included, credentials never.</summary>
internal sealed record OwnProfile(
    Guid UserId,
    string Username,
    string FirstName,
    string LastName,
    string Email,
    string? Location,
    string? Phone,
    int? Age,
    bool IsInfluencer,
    DateTimeOffset CreatedOn,
    DateTimeOffset UpdatedOn)
{
    public static OwnProfile Of(User user) => new(
        user.UserId,
        user.Username,
        user.FirstName,
        user.LastName,
        user.Email,
        user.Location,
        user.Phone,
        user.Age,
        user.IsInfluencer,
        user.CreatedOn,
        user.UpdatedOn);
}

/// <summary>A user as anyone sees them: no email, phone or age.</summary>
internal sealed record PublicProfile(
    Guid UserId,
    string Username,
    string FirstName,
    string LastName,
    string? Location,
    bool IsInfluencer,
    DateTimeOffset CreatedOn,
    DateTimeOffset UpdatedOn)
{
    public static PublicProfile Of(User user) => new(
        user.UserId,
        user.Username,
        user.FirstName,
        user.LastName,
        user.Location,
        user.IsInfluencer,
        user.CreatedOn,
        user.UpdatedOn);
}
