using CsCheck;
using Feed.SharedKernel.Problems;
using Feed.SharedKernel.Storage;
using Feed.Users.InMemory;

namespace Feed.Users.Tests.Store;

public sealed class InMemoryUserStoreTests : UserStoreContract
{
    private protected override ValueTask<IUserStore> CreateStoreAsync() => ValueTask.FromResult<IUserStore>(new InMemoryUserStore(new InMemoryRegisteredUsers()));

    [Fact]
    public async Task A_new_user_is_registered_for_the_other_modules_stores_and_a_refused_one_is_not()
    {
        var registered = new InMemoryRegisteredUsers();
        var store = new InMemoryUserStore(registered);
        var user = UserFactory.NewUser();
        var clash = UserFactory.NewUser(username: user.Username);

        await store.AddAsync(user, CancellationToken.None);
        await store.AddAsync(clash, CancellationToken.None);

        registered.Require(user.UserId);
        Assert.Throws<NotFoundException>(() => registered.Require(clash.UserId));
    }

    [Fact]
    public Task Prefix_search_matches_a_filter_sort_and_take_over_all_usernames()
    {
        var username = Gen.String[Gen.Char["abAB_.1"], 1, 6];
        return Gen.Select(username.HashSet[0, 30], Gen.String[Gen.Char["abAB_.1"], 1, 3], Gen.Int[0, 10])
            .SampleAsync(async (usernames, prefix, limit) =>
            {
                var store = new InMemoryUserStore(new InMemoryRegisteredUsers());
                var accepted = new List<string>();
                foreach (var name in usernames)
                {
                    if (await store.AddAsync(UserFactory.NewUser(username: name), CancellationToken.None) == UserWriteOutcome.Done)
                    {
                        accepted.Add(name);
                    }
                }

                var expected = accepted
                    .Where(name => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                    .OrderBy(name => name.ToLowerInvariant(), StringComparer.Ordinal)
                    .Take(limit);
                var found = await store.SearchByUsernamePrefixAsync(prefix, limit, CancellationToken.None);
                Assert.Equal(expected, found.Select(user => user.Username));
            });
    }
}
