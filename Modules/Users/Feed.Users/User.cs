namespace Feed.Users;

/// <summary>
/// A user account as the store keeps it (the design's <c>users</c> row, keyed by <see cref="UserId"/>).
/// Only the password hash is kept, never the password; it must not leave the module.
/// </summary>
internal sealed record User(
    Guid UserId,
    string Username,
    string FirstName,
    string LastName,
    string Email,
    string PasswordHash,
    string? Location,
    string? Phone,
    int? Age,
    bool IsInfluencer,
    DateTimeOffset CreatedOn,
    DateTimeOffset UpdatedOn)
{
    /// <summary>
    /// Changes whenever the credentials change (a new password): every token carries the stamp of its
    /// time, so a token issued before the change no longer matches and is refused.
    /// </summary>
    public string SecurityStamp { get; init; } = string.Empty;

    /// <summary>A fresh, unguessable stamp.</summary>
    public static string NewSecurityStamp() => Guid.NewGuid().ToString("N");

    /// <summary>
    /// The form in which usernames and emails are compared: uniqueness and lookups ignore case,
    /// while the account keeps the spelling its owner chose.
    /// </summary>
    public static string NormalizeKey(string value) => value.ToLowerInvariant();

    // The generated record ToString would print the password hash into any log that mentions a user.
    public override string ToString() => $"User {UserId} ({Username})";
}

/// <summary>
/// Profile fields to change; a null field stays as it is. Username is immutable. A new password comes
/// with a new <see cref="SecurityStamp"/>, which ends the tokens issued before it, and with
/// <see cref="CheckedPasswordHash"/>, the hash the current password was checked against: the store applies
/// nothing unless that is still the user's hash, so a password changed meanwhile is not overwritten by a
/// request that knew only the one before.
/// </summary>
internal sealed record ProfileChanges(
    string? FirstName = null,
    string? LastName = null,
    string? Email = null,
    string? PasswordHash = null,
    string? Location = null,
    string? Phone = null,
    int? Age = null,
    string? SecurityStamp = null,
    string? CheckedPasswordHash = null)
{
    public User ApplyTo(User user, DateTimeOffset updatedOn) => user with
    {
        SecurityStamp = SecurityStamp ?? user.SecurityStamp,
        // Display text is kept without the spaces around it, as at registration.
        FirstName = FirstName?.Trim() ?? user.FirstName,
        LastName = LastName?.Trim() ?? user.LastName,
        Email = Email ?? user.Email,
        PasswordHash = PasswordHash ?? user.PasswordHash,
        // An empty string clears an optional field; null leaves it alone.
        Location = Location is null ? user.Location : EmptyAsNull(Location),
        Phone = Phone is null ? user.Phone : EmptyAsNull(Phone),
        Age = Age ?? user.Age,
        UpdatedOn = updatedOn,
    };

    /// <summary>Whether the password these changes were checked against (if any) is still <paramref name="current"/>'s.</summary>
    public bool WereCheckedAgainst(User current) =>
        CheckedPasswordHash is null || string.Equals(CheckedPasswordHash, current.PasswordHash, StringComparison.Ordinal);

    /// <summary>An optional text field as kept: without the spaces around it, and null when nothing else is left.</summary>
    public static string? EmptyAsNull(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    // Names the changed fields only: the values include a password hash and contact details.
    public override string ToString()
    {
        var changed = new (string Field, object? Value)[]
        {
            ("first_name", FirstName), ("last_name", LastName), ("email", Email), ("password", PasswordHash),
            ("location", Location), ("phone", Phone), ("age", Age),
        };
        return $"ProfileChanges ({string.Join(", ", changed.Where(change => change.Value is not null).Select(change => change.Field))})";
    }
}
