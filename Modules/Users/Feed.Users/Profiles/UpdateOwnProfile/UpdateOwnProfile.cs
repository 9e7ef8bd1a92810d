using Feed.SharedKernel.Validation;
using FluentValidation;

namespace Feed.Users.Profiles.UpdateOwnProfile;

/// <summary>
/// Changes the fields that are not null. <see cref="Username"/> is here only so that an attempt to
/// change it is refused with a clear error rather than silently ignored: usernames are immutable. A new
/// <see cref="Password"/> needs the <see cref="CurrentPassword"/>: a token alone (perhaps stolen) must
/// not be enough to take the account over.
/// </summary>
internal sealed record UpdateOwnProfile(
    Guid UserId,
    string? Username,
    string? FirstName,
    string? LastName,
    string? Email,
    string? Password,
    string? CurrentPassword,
    string? Location,
    string? Phone,
    int? Age) : ICommand<OwnProfile>;

/// <summary>The JSON body of <c>PATCH /api/users/me</c>; the user comes from the token, never from the body.</summary>
internal sealed record UpdateOwnProfileBody(
    string? Username = null,
    string? FirstName = null,
    string? LastName = null,
    string? Email = null,
    string? Password = null,
    string? CurrentPassword = null,
    string? Location = null,
    string? Phone = null,
    int? Age = null)
{
    public UpdateOwnProfile ToCommand(Guid userId) =>
        new(userId, Username, FirstName, LastName, Email, Password, CurrentPassword, Location, Phone, Age);
}

internal sealed class UpdateOwnProfileValidator : AbstractValidator<UpdateOwnProfile>
{
    public UpdateOwnProfileValidator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(x => x.Username).Null().WithMessage("'username' cannot be changed.");
        RuleFor(x => x.FirstName!).ValidName("first_name").When(x => x.FirstName is not null);
        RuleFor(x => x.LastName!).ValidName("last_name").When(x => x.LastName is not null);
        RuleFor(x => x.Email!).ValidEmail().When(x => x.Email is not null);
        RuleFor(x => x.Password!).ValidPassword().When(x => x.Password is not null);
        // Whether it is given and right is the handler's check, once the new password itself is valid.
        RuleFor(x => x.CurrentPassword).SecretText("current_password");
        RuleFor(x => x.Location).ValidLocation();
        RuleFor(x => x.Phone).ValidPhone();
        RuleFor(x => x.Age).ValidAge();
    }
}

internal static class UpdateOwnProfileEndpoint
{
    public static readonly UpdateOwnProfileBody Example = new(Location: "Marylebone, London", Phone: "+44 20 7946 0000");

    // Limited like the other writes, per user: a wrong current_password is a password guess (and a slow hash), and an
    // email change answers whether the address is registered; unlimited, a token would be an unthrottled oracle for both.
    [Authorize, EnableRateLimiting(RateLimitPolicies.ProfileChange)]
    [EndpointName("UpdateOwnProfile"), EndpointSummary("Changes the authenticated user's profile; absent or null fields stay as they are.")]
    [ProducesProblem(StatusCodes.Status400BadRequest), ProducesProblem(StatusCodes.Status401Unauthorized), ProducesProblem(StatusCodes.Status404NotFound), ProducesProblem(StatusCodes.Status409Conflict)]
    public static async Task<Ok<OwnProfile>> Handle(UpdateOwnProfileBody body, ClaimsPrincipal principal, ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(body.ToCommand(principal.GetUserId()), cancellationToken));
}
