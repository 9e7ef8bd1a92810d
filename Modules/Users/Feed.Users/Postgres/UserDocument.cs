namespace Feed.Users.Postgres;

/// <summary>
/// A <see cref="User"/> as Marten stores it: one row of the <c>users</c> table, keyed by the user id.
/// The lower-cased username and email are kept beside the spelling the owner chose, and duplicated
/// into columns of their own, so unique indexes can enforce case-insensitive uniqueness.
/// </summary>
internal sealed class UserDocument
{
    public Guid Id { get; set; }

    public string Username { get; set; } = "";

    public string UsernameKey { get; set; } = "";

    public string FirstName { get; set; } = "";

    public string LastName { get; set; } = "";

    public string Email { get; set; } = "";

    public string EmailKey { get; set; } = "";

    public string PasswordHash { get; set; } = "";

    public string SecurityStamp { get; set; } = "";

    public string? Location { get; set; }

    public string? Phone { get; set; }

    public int? Age { get; set; }

    public bool IsInfluencer { get; set; }

    public DateTimeOffset CreatedOn { get; set; }

    public DateTimeOffset UpdatedOn { get; set; }

    public static UserDocument From(User user) => new()
    {
        Id = user.UserId,
        Username = user.Username,
        UsernameKey = User.NormalizeKey(user.Username),
        FirstName = user.FirstName,
        LastName = user.LastName,
        Email = user.Email,
        EmailKey = User.NormalizeKey(user.Email),
        PasswordHash = user.PasswordHash,
        SecurityStamp = user.SecurityStamp,
        Location = user.Location,
        Phone = user.Phone,
        Age = user.Age,
        IsInfluencer = user.IsInfluencer,
        CreatedOn = user.CreatedOn,
        UpdatedOn = user.UpdatedOn,
    };

    public User ToUser() => new(
        Id, Username, FirstName, LastName, Email, PasswordHash, Location, Phone, Age, IsInfluencer, CreatedOn, UpdatedOn)
    {
        SecurityStamp = SecurityStamp,
    };

    // The generated ToString would print the password hash and contact details into logs.
    public override string ToString() => $"UserDocument {Id} ({Username})";
}
