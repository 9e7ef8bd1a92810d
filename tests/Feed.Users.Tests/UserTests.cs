namespace Feed.Users.Tests;

public sealed class UserTests
{
    [Fact]
    public void Printing_a_user_never_prints_the_hash_or_contact_details()
    {
        var user = UserFactory.NewUser();

        var printed = user.ToString();

        Assert.Contains(user.UserId.ToString(), printed, StringComparison.Ordinal);
        Assert.DoesNotContain(user.PasswordHash, printed, StringComparison.Ordinal);
        Assert.DoesNotContain(user.Email, printed, StringComparison.Ordinal);
        Assert.DoesNotContain(user.Phone!, printed, StringComparison.Ordinal);
    }

    [Fact]
    public void Printing_profile_changes_names_the_fields_only()
    {
        var changes = new ProfileChanges(Email: "secret@example.com", PasswordHash: "AQAAAAsecret", Age: 40);

        Assert.Equal("ProfileChanges (email, password, age)", changes.ToString());
    }

    [Fact]
    public void Applying_changes_keeps_identity_status_and_creation_time()
    {
        var user = UserFactory.NewUser() with { IsInfluencer = true };
        var at = user.CreatedOn.AddDays(1);

        var changed = new ProfileChanges(LastName: "Byron", Location: " ").ApplyTo(user, at);

        Assert.Equal(user with { LastName = "Byron", Location = null, UpdatedOn = at }, changed);
    }

    [Theory]
    [InlineData("Ada.Lovelace", "ada.lovelace")]
    [InlineData("ADA@EXAMPLE.COM", "ada@example.com")]
    public void Keys_compare_ignoring_case(string value, string key) =>
        Assert.Equal(key, User.NormalizeKey(value));
}
