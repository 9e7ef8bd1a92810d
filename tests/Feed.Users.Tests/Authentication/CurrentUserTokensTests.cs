using System.Net.Sockets;
using System.Security.Claims;
using Feed.SharedKernel.Auth;
using Feed.Users.Authentication;
using Feed.Users.InMemory;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Npgsql;

namespace Feed.Users.Tests.Authentication;

/// <summary>
/// The token check reads a user's security stamp from the store once per cache period, not once per
/// request: measured here by counting the store reads of many checks.
/// </summary>
public sealed class CurrentUserTokensTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly CountingUserStore _store = new(UserFactory.NewInMemoryStore());
    private readonly CurrentUserTokens _tokens;

    public CurrentUserTokensTests() =>
        _tokens = new CurrentUserTokens(_store, Options.Create(new FeedAuthOptions { SecurityStampCacheDuration = TimeSpan.FromMinutes(5) }));

    [Fact]
    public async Task A_thousand_checks_of_one_users_tokens_read_the_store_once()
    {
        var user = UserFactory.NewUser();
        await _store.AddAsync(user, None);

        for (var i = 0; i < 1000; i++)
        {
            Assert.Null(await _tokens.RefusalAsync(Principal(user.UserId.ToString(), user.SecurityStamp), None));
        }

        Assert.Equal(1, _store.Reads);
    }

    [Fact]
    public async Task Tokens_for_a_user_that_does_not_exist_are_refused_and_read_the_store_once()
    {
        var nobody = Guid.NewGuid().ToString();

        for (var i = 0; i < 1000; i++)
        {
            Assert.NotNull(await _tokens.RefusalAsync(Principal(nobody, "stamp"), None));
        }

        Assert.Equal(1, _store.Reads);
    }

    [Fact]
    public async Task A_store_refusing_connections_for_a_moment_is_retried_inside_the_check()
    {
        var user = UserFactory.NewUser();
        await _store.AddAsync(user, None);
        _store.RefuseNext = 2;

        Assert.Null(await _tokens.RefusalAsync(Principal(user.UserId.ToString(), user.SecurityStamp), None));

        Assert.Equal(3, _store.Reads);
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("")]
    [InlineData(null)]
    public async Task A_subject_that_is_not_a_user_id_is_refused_without_a_store_read(string? subject)
    {
        Assert.NotNull(await _tokens.RefusalAsync(Principal(subject, "stamp"), None));

        Assert.Equal(0, _store.Reads);
    }

    [Fact]
    public async Task After_a_password_change_the_old_stamp_is_refused_at_once_and_the_new_one_accepted()
    {
        var user = UserFactory.NewUser();
        await _store.AddAsync(user, None);
        Assert.Null(await _tokens.RefusalAsync(Principal(user.UserId.ToString(), user.SecurityStamp), None));

        var changed = await _store.UpdateProfileAsync(user.UserId, new ProfileChanges(PasswordHash: "new-hash", SecurityStamp: User.NewSecurityStamp()), user.UpdatedOn.AddSeconds(1), None);
        _tokens.Forget(user.UserId);

        Assert.NotNull(await _tokens.RefusalAsync(Principal(user.UserId.ToString(), user.SecurityStamp), None));
        Assert.Null(await _tokens.RefusalAsync(Principal(user.UserId.ToString(), changed.User!.SecurityStamp), None));
        Assert.Equal(2, _store.Reads);
    }

    [Fact]
    public async Task A_user_stored_before_stamps_existed_keeps_their_stampless_tokens_until_a_new_password()
    {
        var user = UserFactory.NewUser() with { SecurityStamp = string.Empty };
        await _store.AddAsync(user, None);
        Assert.Null(await _tokens.RefusalAsync(Principal(user.UserId.ToString(), stamp: null), None));

        await _store.UpdateProfileAsync(user.UserId, new ProfileChanges(PasswordHash: "new-hash", SecurityStamp: User.NewSecurityStamp()), user.UpdatedOn.AddSeconds(1), None);
        _tokens.Forget(user.UserId);

        Assert.NotNull(await _tokens.RefusalAsync(Principal(user.UserId.ToString(), stamp: null), None));
    }

    [Fact]
    public async Task A_stamp_read_before_a_password_change_and_returned_after_it_is_not_remembered()
    {
        var user = UserFactory.NewUser();
        await _store.AddAsync(user, None);
        var oldToken = Principal(user.UserId.ToString(), user.SecurityStamp);

        // A request with the old token reads the stamp; the password changes (and is forgotten) before that read returns.
        var held = _store.HoldNextRead();
        var overlapping = _tokens.RefusalAsync(oldToken, None).AsTask();
        await held.Read.Task.WaitAsync(TestContext.Current.CancellationToken);
        await _store.UpdateProfileAsync(user.UserId, new ProfileChanges(PasswordHash: "new-hash", SecurityStamp: User.NewSecurityStamp()), user.UpdatedOn.AddSeconds(1), None);
        _tokens.Forget(user.UserId);
        held.Release.SetResult();

        // The request that overlapped the change may pass; the requests after it must not.
        Assert.Null(await overlapping);
        Assert.NotNull(await _tokens.RefusalAsync(oldToken, None));
        Assert.False(await _tokens.IsCurrentAsync(user.UserId, user.SecurityStamp, None));
    }

    public void Dispose() => _tokens.Dispose();

    private static ClaimsPrincipal Principal(string? subject, string? stamp)
    {
        var claims = new List<Claim>();
        if (stamp is not null)
        {
            claims.Add(new Claim(FeedAuthOptions.SecurityStampClaim, stamp));
        }

        if (subject is not null)
        {
            claims.Add(new Claim(JwtRegisteredClaimNames.Sub, subject));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, "test"));
    }

    /// <summary>The real in-memory store, with its reads by id counted; the next <see cref="RefuseNext"/> fail as PostgreSQL down would.</summary>
    private sealed record HeldRead(TaskCompletionSource Read, TaskCompletionSource Release);

    private sealed class CountingUserStore(IUserStore inner) : IUserStore
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public int RefuseNext { get; set; }

        private HeldRead? _hold;

        /// <summary>The next read by id, once it has read the store, signals <see cref="HeldRead.Read"/> and returns only on <see cref="HeldRead.Release"/>.</summary>
        public HeldRead HoldNextRead() => _hold = new HeldRead(new TaskCompletionSource(), new TaskCompletionSource());

        public async ValueTask<User?> GetAsync(Guid userId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            if (RefuseNext > 0)
            {
                RefuseNext--;
                throw new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused));
            }

            var user = await inner.GetAsync(userId, cancellationToken);
            if (Interlocked.Exchange(ref _hold, null) is { } hold)
            {
                hold.Read.SetResult();
                await hold.Release.Task;
            }

            return user;
        }

        public ValueTask<UserWriteOutcome> AddAsync(User user, CancellationToken cancellationToken) => inner.AddAsync(user, cancellationToken);

        public ValueTask<User?> FindByUsernameAsync(string username, CancellationToken cancellationToken) => inner.FindByUsernameAsync(username, cancellationToken);

        public ValueTask<IReadOnlyList<User>> GetManyAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken) => inner.GetManyAsync(userIds, cancellationToken);

        public ValueTask<UserUpdateResult> UpdateProfileAsync(Guid userId, ProfileChanges changes, DateTimeOffset updatedOn, CancellationToken cancellationToken) =>
            inner.UpdateProfileAsync(userId, changes, updatedOn, cancellationToken);

        public ValueTask<bool> TrySetInfluencerAsync(Guid userId, bool isInfluencer, DateTimeOffset changedOn, Feed.SharedKernel.Outbox.OutboxMessage announcement, CancellationToken cancellationToken) =>
            inner.TrySetInfluencerAsync(userId, isInfluencer, changedOn, announcement, cancellationToken);

        public ValueTask<IReadOnlyList<User>> SearchByUsernamePrefixAsync(string prefix, int limit, CancellationToken cancellationToken) =>
            inner.SearchByUsernamePrefixAsync(prefix, limit, cancellationToken);
    }
}
