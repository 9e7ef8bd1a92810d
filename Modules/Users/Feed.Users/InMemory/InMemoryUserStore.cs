using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Storage;

namespace Feed.Users.InMemory;

/// <summary>
/// Users held in process memory. One lock guards the rows and both unique indexes, so the
/// check-then-insert of registration and the compare-and-set of the influencer flag are atomic.
/// Rows are immutable records: readers get a snapshot that later writes cannot change.
/// </summary>
internal sealed class InMemoryUserStore(InMemoryRegisteredUsers registered, InMemoryOutbox outbox) : IUserStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, User> _users = [];
    private readonly Dictionary<string, Guid> _idsByEmail = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Guid> _idsByUsername = new(StringComparer.Ordinal);

    // The normalized usernames again, sorted, so a prefix search is one ordered range read.
    private readonly SortedSet<string> _usernameKeys = new(StringComparer.Ordinal);

    public ValueTask<UserWriteOutcome> AddAsync(User user, CancellationToken cancellationToken)
    {
        var usernameKey = User.NormalizeKey(user.Username);
        var emailKey = User.NormalizeKey(user.Email);
        lock (_gate)
        {
            if (_idsByUsername.ContainsKey(usernameKey))
            {
                return ValueTask.FromResult(UserWriteOutcome.UsernameTaken);
            }

            if (_idsByEmail.ContainsKey(emailKey))
            {
                return ValueTask.FromResult(UserWriteOutcome.EmailTaken);
            }

            if (!_users.TryAdd(user.UserId, user))
            {
                throw new InvalidOperationException($"User {user.UserId} already exists.");
            }

            _idsByUsername.Add(usernameKey, user.UserId);
            _usernameKeys.Add(usernameKey);
            _idsByEmail.Add(emailKey, user.UserId);
            registered.Add(user.UserId);
            return ValueTask.FromResult(UserWriteOutcome.Done);
        }
    }

    public ValueTask<User?> GetAsync(Guid userId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_users.GetValueOrDefault(userId));
        }
    }

    public ValueTask<User?> FindByUsernameAsync(string username, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(
                _idsByUsername.TryGetValue(User.NormalizeKey(username), out var id) ? _users[id] : null);
        }
    }

    public ValueTask<IReadOnlyList<User>> GetManyAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken)
    {
        var found = new List<User>(userIds.Count);
        lock (_gate)
        {
            foreach (var id in userIds.Distinct())
            {
                if (_users.TryGetValue(id, out var user))
                {
                    found.Add(user);
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyList<User>>(found);
    }

    public ValueTask<UserUpdateResult> UpdateProfileAsync(Guid userId, ProfileChanges changes, DateTimeOffset updatedOn, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_users.TryGetValue(userId, out var current))
            {
                return ValueTask.FromResult(UserUpdateResult.NotFound);
            }

            if (!changes.WereCheckedAgainst(current))
            {
                return ValueTask.FromResult(UserUpdateResult.PasswordChanged);
            }

            var updated = changes.ApplyTo(current, updatedOn);
            var oldEmailKey = User.NormalizeKey(current.Email);
            var newEmailKey = User.NormalizeKey(updated.Email);
            if (newEmailKey != oldEmailKey)
            {
                if (_idsByEmail.ContainsKey(newEmailKey))
                {
                    return ValueTask.FromResult(UserUpdateResult.EmailTaken);
                }

                _idsByEmail.Remove(oldEmailKey);
                _idsByEmail.Add(newEmailKey, userId);
            }

            _users[userId] = updated;
            return ValueTask.FromResult(UserUpdateResult.Done(updated));
        }
    }

    public ValueTask<bool> TrySetInfluencerAsync(Guid userId, bool isInfluencer, DateTimeOffset changedOn, OutboxMessage announcement, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_users.TryGetValue(userId, out var current) || current.IsInfluencer == isInfluencer)
            {
                return ValueTask.FromResult(false);
            }

            _users[userId] = current with { IsInfluencer = isInfluencer, UpdatedOn = changedOn };
            outbox.Enqueue(announcement);
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<IReadOnlyList<User>> SearchByUsernamePrefixAsync(string prefix, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var prefixKey = User.NormalizeKey(prefix);
        var found = new List<User>(Math.Min(limit, 100));
        lock (_gate)
        {
            // Usernames are validated to ASCII, so every key starting with the prefix sorts below prefix + U+FFFF.
            foreach (var usernameKey in _usernameKeys.GetViewBetween(prefixKey, prefixKey + char.MaxValue))
            {
                if (found.Count == limit)
                {
                    break;
                }

                if (usernameKey.StartsWith(prefixKey, StringComparison.Ordinal))
                {
                    found.Add(_users[_idsByUsername[usernameKey]]);
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyList<User>>(found);
    }
}
