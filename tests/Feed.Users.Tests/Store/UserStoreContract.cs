using CsCheck;
using Feed.SharedKernel.Outbox;

namespace Feed.Users.Tests.Store;

/// <summary>
/// What every <see cref="IUserStore"/> adapter must do. Each adapter's test class derives from this
/// and supplies the store; tests use unique names so they can share one database.
/// </summary>
public abstract partial class UserStoreContract
{
    private static readonly CancellationToken None = CancellationToken.None;

    private protected abstract ValueTask<IUserStore> CreateStoreAsync();

    /// <summary>Which of <paramref name="messageIds"/> the last created store holds in its outbox.</summary>
    private protected abstract ValueTask<IReadOnlyList<OutboxMessage>> StoredAnnouncementsAsync(IReadOnlyCollection<Guid> messageIds);

    /// <summary>An influencer switch's announcement, as the store receives it (the payload is the caller's, opaque to the store).</summary>
    private protected static OutboxMessage Announcement() =>
        new(Guid.CreateVersion7(), "users.influencer_status_changed", $"{{\"n\":\"{Guid.NewGuid()}\"}}", DateTimeOffset.UnixEpoch.AddDays(20_000));

    [Fact]
    public async Task Added_user_reads_back_exactly_by_id()
    {
        var store = await CreateStoreAsync();
        var user = UserFactory.NewUser();

        Assert.Equal(UserWriteOutcome.Done, await store.AddAsync(user, None));

        Assert.Equal(user, await store.GetAsync(user.UserId, None));
    }

    [Fact]
    public async Task Unknown_id_reads_as_null()
    {
        var store = await CreateStoreAsync();

        Assert.Null(await store.GetAsync(Guid.CreateVersion7(), None));
    }

    [Fact]
    public async Task Username_taken_in_any_case_is_refused_and_reserves_nothing()
    {
        var store = await CreateStoreAsync();
        var original = UserFactory.NewUser();
        await store.AddAsync(original, None);
        var clash = UserFactory.NewUser(username: original.Username.ToUpperInvariant(), email: $"other_{original.Email}");

        Assert.Equal(UserWriteOutcome.UsernameTaken, await store.AddAsync(clash, None));

        Assert.Null(await store.GetAsync(clash.UserId, None));
        Assert.Equal(original, await store.FindByUsernameAsync(original.Username.ToUpperInvariant(), None));
        // The refused registration's email stays free.
        Assert.Equal(UserWriteOutcome.Done, await store.AddAsync(UserFactory.NewUser(email: clash.Email), None));
    }

    [Fact]
    public async Task Email_taken_in_any_case_is_refused_and_reserves_nothing()
    {
        var store = await CreateStoreAsync();
        var original = UserFactory.NewUser();
        await store.AddAsync(original, None);
        var clash = UserFactory.NewUser(email: original.Email.ToUpperInvariant());

        Assert.Equal(UserWriteOutcome.EmailTaken, await store.AddAsync(clash, None));

        Assert.Null(await store.GetAsync(clash.UserId, None));
        Assert.Null(await store.FindByUsernameAsync(clash.Username, None));
        // The refused registration's username stays free.
        Assert.Equal(UserWriteOutcome.Done, await store.AddAsync(UserFactory.NewUser(username: clash.Username), None));
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_username_let_exactly_one_through()
    {
        var store = await CreateStoreAsync();
        var username = UserFactory.UniqueUsername("race");
        var contenders = Enumerable.Range(0, 32)
            .Select(i => UserFactory.NewUser(username: i % 2 == 0 ? username : username.ToUpperInvariant(), email: $"race{i}_{username}@example.com"))
            .ToList();

        var outcomes = await Task.WhenAll(contenders.Select(user => Task.Run(async () => await store.AddAsync(user, None))));

        Assert.Equal(1, outcomes.Count(outcome => outcome == UserWriteOutcome.Done));
        Assert.Equal(31, outcomes.Count(outcome => outcome == UserWriteOutcome.UsernameTaken));
        var winner = contenders[Array.IndexOf(outcomes, UserWriteOutcome.Done)];
        Assert.Equal(winner, await store.FindByUsernameAsync(username, None));
        Assert.Single(await store.GetManyAsync(contenders.Select(user => user.UserId).ToList(), None));
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_email_let_exactly_one_through()
    {
        var store = await CreateStoreAsync();
        var email = $"{UserFactory.UniqueUsername("race")}@example.com";
        var contenders = Enumerable.Range(0, 32)
            .Select(i => UserFactory.NewUser(email: i % 2 == 0 ? email : email.ToUpperInvariant()))
            .ToList();

        var outcomes = await Task.WhenAll(contenders.Select(user => Task.Run(async () => await store.AddAsync(user, None))));

        Assert.Equal(1, outcomes.Count(outcome => outcome == UserWriteOutcome.Done));
        Assert.Equal(31, outcomes.Count(outcome => outcome == UserWriteOutcome.EmailTaken));
    }

    [Fact]
    public async Task Concurrent_registrations_of_distinct_users_all_succeed()
    {
        var store = await CreateStoreAsync();
        var users = Enumerable.Range(0, 64).Select(_ => UserFactory.NewUser()).ToList();

        var outcomes = await Task.WhenAll(users.Select(user => Task.Run(async () => await store.AddAsync(user, None))));

        Assert.All(outcomes, outcome => Assert.Equal(UserWriteOutcome.Done, outcome));
        var stored = await store.GetManyAsync(users.Select(user => user.UserId).ToList(), None);
        Assert.Equal(users.OrderBy(user => user.UserId), stored.OrderBy(user => user.UserId));
    }

    [Fact]
    public async Task Find_by_username_ignores_case_and_misses_unknown_names()
    {
        var store = await CreateStoreAsync();
        var user = UserFactory.NewUser(username: UserFactory.UniqueUsername("MixedCase"));
        await store.AddAsync(user, None);

        Assert.Equal(user, await store.FindByUsernameAsync(user.Username.ToLowerInvariant(), None));
        Assert.Equal(user, await store.FindByUsernameAsync(user.Username.ToUpperInvariant(), None));
        Assert.Null(await store.FindByUsernameAsync(user.Username + "x", None));
    }

    [Fact]
    public async Task Get_many_returns_known_users_once_and_omits_unknown_ids()
    {
        var store = await CreateStoreAsync();
        var first = UserFactory.NewUser();
        var second = UserFactory.NewUser();
        await store.AddAsync(first, None);
        await store.AddAsync(second, None);

        var found = await store.GetManyAsync([first.UserId, Guid.CreateVersion7(), second.UserId, first.UserId], None);

        Assert.Equal(new[] { first, second }.OrderBy(user => user.UserId), found.OrderBy(user => user.UserId));
        Assert.Empty(await store.GetManyAsync([], None));
    }

    [Fact]
    public async Task A_new_security_stamp_is_stored_and_other_changes_keep_it()
    {
        var store = await CreateStoreAsync();
        var user = UserFactory.NewUser();
        await store.AddAsync(user, None);

        await store.UpdateProfileAsync(user.UserId, new ProfileChanges(Location: "Porto"), user.UpdatedOn.AddSeconds(1), None);
        var afterProfile = await store.GetAsync(user.UserId, None);
        await store.UpdateProfileAsync(user.UserId, new ProfileChanges(PasswordHash: "another-hash", SecurityStamp: "new-stamp"), user.UpdatedOn.AddSeconds(2), None);
        var afterPassword = await store.GetAsync(user.UserId, None);

        Assert.Equal(user.SecurityStamp, afterProfile!.SecurityStamp);
        Assert.Equal("new-stamp", afterPassword!.SecurityStamp);
    }

    [Fact]
    public async Task Profile_update_changes_only_the_given_fields()
    {
        var store = await CreateStoreAsync();
        var user = UserFactory.NewUser();
        await store.AddAsync(user, None);
        await store.TrySetInfluencerAsync(user.UserId, true, user.CreatedOn.AddSeconds(1), Announcement(), None);
        var updatedOn = user.CreatedOn.AddMinutes(5);

        var result = await store.UpdateProfileAsync(user.UserId, new ProfileChanges(FirstName: "Grace", Age: 40), updatedOn, None);

        Assert.Equal(UserWriteOutcome.Done, result.Outcome);
        var expected = user with { FirstName = "Grace", Age = 40, IsInfluencer = true, UpdatedOn = updatedOn };
        Assert.Equal(expected, result.User);
        Assert.Equal(expected, await store.GetAsync(user.UserId, None));
    }

    [Fact]
    public async Task Profile_update_of_every_field_is_stored()
    {
        var store = await CreateStoreAsync();
        var user = UserFactory.NewUser();
        await store.AddAsync(user, None);
        var email = $"new_{user.Username}@example.org";
        var changes = new ProfileChanges("Grace", "Hopper", email, "new-hash", "Arlington", "555 0100", 85);

        var result = await store.UpdateProfileAsync(user.UserId, changes, user.CreatedOn.AddDays(1), None);

        var expected = user with
        {
            FirstName = "Grace", LastName = "Hopper", Email = email, PasswordHash = "new-hash",
            Location = "Arlington", Phone = "555 0100", Age = 85, UpdatedOn = user.CreatedOn.AddDays(1),
        };
        Assert.Equal(expected, result.User);
        Assert.Equal(expected, await store.GetAsync(user.UserId, None));
    }

    [Fact]
    public async Task Profile_update_with_empty_strings_clears_location_and_phone()
    {
        var store = await CreateStoreAsync();
        var user = UserFactory.NewUser();
        await store.AddAsync(user, None);

        var result = await store.UpdateProfileAsync(user.UserId, new ProfileChanges(Location: "", Phone: ""), user.CreatedOn.AddSeconds(1), None);

        Assert.Null(result.User!.Location);
        Assert.Null(result.User.Phone);
        Assert.Null((await store.GetAsync(user.UserId, None))!.Location);
    }

    [Fact]
    public async Task Profile_update_to_another_users_email_is_refused_and_changes_nothing()
    {
        var store = await CreateStoreAsync();
        var owner = UserFactory.NewUser();
        var user = UserFactory.NewUser();
        await store.AddAsync(owner, None);
        await store.AddAsync(user, None);

        var result = await store.UpdateProfileAsync(user.UserId, new ProfileChanges(FirstName: "Changed", Email: owner.Email.ToUpperInvariant()), user.CreatedOn.AddSeconds(1), None);

        Assert.Equal(UserWriteOutcome.EmailTaken, result.Outcome);
        Assert.Null(result.User);
        Assert.Equal(user, await store.GetAsync(user.UserId, None));
    }

    [Fact]
    public async Task Profile_update_to_own_email_in_another_case_is_allowed()
    {
        var store = await CreateStoreAsync();
        var user = UserFactory.NewUser();
        await store.AddAsync(user, None);

        var result = await store.UpdateProfileAsync(user.UserId, new ProfileChanges(Email: user.Email.ToUpperInvariant()), user.CreatedOn.AddSeconds(1), None);

        Assert.Equal(UserWriteOutcome.Done, result.Outcome);
        Assert.Equal(user.Email.ToUpperInvariant(), (await store.GetAsync(user.UserId, None))!.Email);
    }

    [Fact]
    public async Task Email_change_frees_the_old_address_and_reserves_the_new_one()
    {
        var store = await CreateStoreAsync();
        var user = UserFactory.NewUser();
        await store.AddAsync(user, None);
        var newEmail = $"moved_{user.Username}@example.org";

        await store.UpdateProfileAsync(user.UserId, new ProfileChanges(Email: newEmail), user.CreatedOn.AddSeconds(1), None);

        Assert.Equal(UserWriteOutcome.EmailTaken, await store.AddAsync(UserFactory.NewUser(email: newEmail.ToUpperInvariant()), None));
        Assert.Equal(UserWriteOutcome.Done, await store.AddAsync(UserFactory.NewUser(email: user.Email), None));
    }

    [Fact]
    public async Task Concurrent_email_changes_to_one_address_let_exactly_one_through()
    {
        var store = await CreateStoreAsync();
        var users = Enumerable.Range(0, 16).Select(_ => UserFactory.NewUser()).ToList();
        foreach (var user in users)
        {
            await store.AddAsync(user, None);
        }

        var email = $"{UserFactory.UniqueUsername("wanted")}@example.com";
        var results = await Task.WhenAll(users.Select(user => Task.Run(async () =>
            await store.UpdateProfileAsync(user.UserId, new ProfileChanges(Email: email), user.CreatedOn.AddSeconds(1), None))));

        Assert.Single(results, result => result.Outcome == UserWriteOutcome.Done);
        Assert.Equal(15, results.Count(result => result.Outcome == UserWriteOutcome.EmailTaken));
    }

    [Fact]
    public async Task Profile_update_of_unknown_user_is_not_found()
    {
        var store = await CreateStoreAsync();

        var result = await store.UpdateProfileAsync(Guid.CreateVersion7(), new ProfileChanges(FirstName: "X"), DateTimeOffset.UnixEpoch, None);

        Assert.Equal(UserWriteOutcome.NotFound, result.Outcome);
        Assert.Null(result.User);
    }

    [Fact]
    public async Task Influencer_flag_is_compare_and_set()
    {
        var store = await CreateStoreAsync();
        var user = UserFactory.NewUser();
        await store.AddAsync(user, None);
        var promotedOn = user.CreatedOn.AddHours(1);

        var announcements = Enumerable.Range(0, 4).Select(_ => Announcement()).ToArray();

        Assert.True(await store.TrySetInfluencerAsync(user.UserId, true, promotedOn, announcements[0], None));
        Assert.False(await store.TrySetInfluencerAsync(user.UserId, true, promotedOn.AddSeconds(1), announcements[1], None));
        Assert.Equal(user with { IsInfluencer = true, UpdatedOn = promotedOn }, await store.GetAsync(user.UserId, None));

        Assert.True(await store.TrySetInfluencerAsync(user.UserId, false, promotedOn.AddHours(1), announcements[2], None));
        Assert.False(await store.TrySetInfluencerAsync(user.UserId, false, promotedOn.AddHours(2), announcements[3], None));
        Assert.False((await store.GetAsync(user.UserId, None))!.IsInfluencer);

        // Each switch stores its announcement, exactly as given; a call that changes nothing stores none.
        var stored = await StoredAnnouncementsAsync([.. announcements.Select(announcement => announcement.MessageId)]);
        Assert.Equal(new[] { announcements[0], announcements[2] }.OrderBy(message => message.MessageId), stored.OrderBy(message => message.MessageId));
    }

    [Fact]
    public async Task Influencer_flag_of_unknown_user_is_not_set()
    {
        var store = await CreateStoreAsync();

        Assert.False(await store.TrySetInfluencerAsync(Guid.CreateVersion7(), true, DateTimeOffset.UnixEpoch, Announcement(), None));
    }

    [Fact]
    public async Task Concurrent_promotions_change_the_flag_exactly_once()
    {
        var store = await CreateStoreAsync();
        var user = UserFactory.NewUser();
        await store.AddAsync(user, None);

        var announcements = Enumerable.Range(0, 32).Select(_ => Announcement()).ToArray();

        var changed = await Task.WhenAll(announcements.Select(announcement => Task.Run(async () =>
            await store.TrySetInfluencerAsync(user.UserId, true, user.CreatedOn.AddSeconds(1), announcement, None))));

        Assert.Single(changed, wasChanged => wasChanged);
        Assert.True((await store.GetAsync(user.UserId, None))!.IsInfluencer);
        var winner = announcements[Array.IndexOf(changed, true)];
        Assert.Equal([winner], await StoredAnnouncementsAsync([.. announcements.Select(announcement => announcement.MessageId)]));
    }

    [Fact]
    public async Task Influencer_flag_survives_a_concurrent_profile_update()
    {
        var store = await CreateStoreAsync();
        var user = UserFactory.NewUser();
        await store.AddAsync(user, None);

        await Task.WhenAll(
            Task.Run(async () => await store.TrySetInfluencerAsync(user.UserId, true, user.CreatedOn.AddSeconds(1), Announcement(), None)),
            Task.Run(async () => await store.UpdateProfileAsync(user.UserId, new ProfileChanges(LastName: "Byron"), user.CreatedOn.AddSeconds(1), None)));

        var stored = await store.GetAsync(user.UserId, None);
        Assert.True(stored!.IsInfluencer);
        Assert.Equal("Byron", stored.LastName);
    }

    [Fact]
    public async Task Prefix_search_ignores_case_orders_by_username_and_stops_at_the_limit()
    {
        var store = await CreateStoreAsync();
        var prefix = $"p{Guid.NewGuid().ToString("N")[..10]}";
        // The decoys match the searches below only if '_' or '%' were read as LIKE wildcards.
        var names = new[] { $"{prefix}_Charlie", $"{prefix}_alpha", $"{prefix}.delta", $"{prefix}_Bravo", $"{prefix}", $"{prefix}Xbravo", $"{prefix}Xa" };
        foreach (var name in names)
        {
            await store.AddAsync(UserFactory.NewUser(username: name), None);
        }

        await store.AddAsync(UserFactory.NewUser(username: $"x{prefix}"), None);

        var all = await store.SearchByUsernamePrefixAsync(prefix.ToUpperInvariant(), 100, None);
        var firstThree = await store.SearchByUsernamePrefixAsync(prefix, 3, None);

        var expected = names.OrderBy(name => name.ToLowerInvariant(), StringComparer.Ordinal).ToList();
        Assert.Equal(expected, all.Select(user => user.Username));
        Assert.Equal(expected.Take(3), firstThree.Select(user => user.Username));
        Assert.Equal([$"{prefix}_Bravo"], (await store.SearchByUsernamePrefixAsync($"{prefix}_b", 10, None)).Select(user => user.Username));
        Assert.Empty(await store.SearchByUsernamePrefixAsync($"{prefix}%a", 10, None));
        Assert.Empty(await store.SearchByUsernamePrefixAsync($"{prefix}\\", 10, None));
        Assert.Empty(await store.SearchByUsernamePrefixAsync($"{prefix}_zz", 10, None));
    }

    [Fact]
    public async Task Prefix_search_matches_a_filter_sort_and_take_over_all_usernames()
    {
        var store = await CreateStoreAsync();
        // Few letters, so that names clash in case and prefixes hit; the search may hold LIKE's special characters.
        var names = Gen.String[Gen.Char["abAB_.1X"], 1, 5].List[0, 12];
        var prefixes = Gen.String[Gen.Char["abAB_.1%\\"], 0, 3];
        await Gen.Select(names, prefixes, Gen.Int[0, 10]).SampleAsync(
            async (generated, prefix, limit) =>
            {
                // A namespace per sample: samples share the store without seeing each other's users.
                var space = $"s{Guid.NewGuid():N}"[..13];
                var accepted = new List<string>();
                foreach (var name in generated.Select(name => space + name))
                {
                    // The model: a username is taken by an earlier one equal to it ignoring (ASCII) case.
                    var expected = accepted.Contains(name, StringComparer.OrdinalIgnoreCase) ? UserWriteOutcome.UsernameTaken : UserWriteOutcome.Done;
                    var outcome = await store.AddAsync(UserFactory.NewUser(username: name, email: $"{Guid.NewGuid():N}@example.com"), None);
                    Assert.Equal(expected, outcome);
                    if (outcome == UserWriteOutcome.Done)
                    {
                        accepted.Add(name);
                    }
                }

                var wanted = accepted
                    .Where(name => name.StartsWith(space + prefix, StringComparison.OrdinalIgnoreCase))
                    .OrderBy(name => name.ToLowerInvariant(), StringComparer.Ordinal)
                    .Take(limit);
                var found = await store.SearchByUsernamePrefixAsync(space + prefix, limit, None);
                Assert.Equal(wanted, found.Select(user => user.Username));
            },
            iter: 60,
            print: sample => $"names [{string.Join(", ", sample.Item1)}], prefix '{sample.Item2}', limit {sample.Item3}");
    }
}
