using Feed.SharedKernel.Problems;
using Feed.SharedKernel.Time;
using Feed.Users.Authentication;
using Feed.Users.Profiles;
using Mediator;

namespace Feed.Users.Registration.RegisterUser;

internal sealed class RegisterUserHandler(IUserStore store, PasswordHashes passwords, TimeProvider time)
    : ICommandHandler<RegisterUser, OwnProfile>
{
    public async ValueTask<OwnProfile> Handle(RegisterUser command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNowMilliseconds();
        var user = new User(
            time.NewId(),
            command.Username,
            // Display text is kept without the spaces around it (a name typed with a trailing space shows none).
            command.FirstName.Trim(),
            command.LastName.Trim(),
            command.Email,
            PasswordHash: string.Empty,
            ProfileChanges.EmptyAsNull(command.Location),
            ProfileChanges.EmptyAsNull(command.Phone),
            command.Age,
            IsInfluencer: false,
            CreatedOn: now,
            UpdatedOn: now);
        user = user with { PasswordHash = passwords.Hash(user, command.Password), SecurityStamp = User.NewSecurityStamp() };

        return await store.AddAsync(user, cancellationToken) switch
        {
            UserWriteOutcome.Done => OwnProfile.Of(user),
            UserWriteOutcome.UsernameTaken => throw new ConflictException("username", "The username is already taken."),
            UserWriteOutcome.EmailTaken => throw new ConflictException("email", "The email address is already registered."),
            var outcome => throw new InvalidOperationException($"Unexpected outcome {outcome} of adding a user."),
        };
    }
}
