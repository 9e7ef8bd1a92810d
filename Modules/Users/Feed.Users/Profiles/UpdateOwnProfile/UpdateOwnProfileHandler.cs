using Feed.SharedKernel.Problems;
using Feed.SharedKernel.Time;
using Feed.Users.Authentication;
using Mediator;

namespace Feed.Users.Profiles.UpdateOwnProfile;

internal sealed class UpdateOwnProfileHandler(IUserStore store, PasswordHashes passwords, CurrentUserTokens tokens, TimeProvider time)
    : ICommandHandler<UpdateOwnProfile, OwnProfile>
{
    public async ValueTask<OwnProfile> Handle(UpdateOwnProfile command, CancellationToken cancellationToken)
    {
        string? passwordHash = null;
        string? checkedPasswordHash = null;
        if (command.Password is not null)
        {
            var user = await store.GetAsync(command.UserId, cancellationToken) ?? throw Missing();
            if (command.CurrentPassword is null)
            {
                throw new InvalidFieldException("current_password", "'current_password' is required to change the password.");
            }

            if (!passwords.Matches(user, command.CurrentPassword))
            {
                throw WrongCurrentPassword();
            }

            passwordHash = passwords.Hash(user, command.Password);
            checkedPasswordHash = user.PasswordHash;
        }

        var changes = new ProfileChanges(
            command.FirstName,
            command.LastName,
            command.Email,
            passwordHash,
            command.Location,
            command.Phone,
            command.Age,
            // A new password ends every token issued before it.
            SecurityStamp: passwordHash is null ? null : User.NewSecurityStamp(),
            // Stored only if the password is still the one current_password was checked against just now.
            CheckedPasswordHash: checkedPasswordHash);
        var result = await store.UpdateProfileAsync(command.UserId, changes, time.GetUtcNowMilliseconds(), cancellationToken);
        if (passwordHash is not null)
        {
            // This instance refuses the older tokens from the next request on (others within the stamp cache's duration).
            tokens.Forget(command.UserId);
        }

        return result.Outcome switch
        {
            UserWriteOutcome.Done => OwnProfile.Of(result.User!),
            UserWriteOutcome.NotFound => throw Missing(),
            UserWriteOutcome.EmailTaken => throw new ConflictException("email", "The email address is already registered."),
            // Changed by another request since it was checked: what was given is not the account's password any more.
            UserWriteOutcome.PasswordChanged => throw WrongCurrentPassword(),
            var outcome => throw new InvalidOperationException($"Unexpected outcome {outcome} of updating a profile."),
        };
    }

    private static InvalidFieldException WrongCurrentPassword() =>
        new("current_password", "'current_password' is not the account's password.");

    private static NotFoundException Missing() => new("The authenticated user does not exist.");
}
