namespace Feed.Users.Tests.Store;

/// <summary>The contract's rules for credential changes (a part of <see cref="UserStoreContract"/>, kept apart for its length).</summary>
public abstract partial class UserStoreContract
{
    [Fact]
    public async Task A_new_password_checked_against_a_hash_replaced_since_is_refused_and_changes_nothing()
    {
        var store = await CreateStoreAsync();
        var user = UserFactory.NewUser();
        await store.AddAsync(user, None);
        var first = await store.UpdateProfileAsync(
            user.UserId, new ProfileChanges(PasswordHash: "owners-new-hash", SecurityStamp: "owners-stamp", CheckedPasswordHash: user.PasswordHash), user.UpdatedOn.AddSeconds(1), None);
        Assert.Equal(UserWriteOutcome.Done, first.Outcome);

        // A request that checked the old password before the owner's change was stored, and commits after it.
        var late = await store.UpdateProfileAsync(
            user.UserId,
            new ProfileChanges(FirstName: "Mallory", PasswordHash: "takeover-hash", SecurityStamp: "takeover-stamp", CheckedPasswordHash: user.PasswordHash),
            user.UpdatedOn.AddSeconds(2),
            None);

        Assert.Equal(UserWriteOutcome.PasswordChanged, late.Outcome);
        Assert.Null(late.User);
        Assert.Equal(first.User, await store.GetAsync(user.UserId, None));
    }
}
