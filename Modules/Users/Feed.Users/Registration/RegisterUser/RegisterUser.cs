using Feed.Users.Profiles;
using FluentValidation;

namespace Feed.Users.Registration.RegisterUser;

/// <summary>Creates an account. Also the JSON body of <c>POST /api/users</c>.</summary>
internal sealed record RegisterUser(
    string Username,
    string FirstName,
    string LastName,
    string Email,
    string Password,
    string? Location = null,
    string? Phone = null,
    int? Age = null) : ICommand<OwnProfile>;

internal sealed class RegisterUserValidator : AbstractValidator<RegisterUser>
{
    public RegisterUserValidator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(x => x.Username).ValidUsername();
        RuleFor(x => x.FirstName).ValidName("first_name");
        RuleFor(x => x.LastName).ValidName("last_name");
        RuleFor(x => x.Email).ValidEmail();
        RuleFor(x => x.Password).ValidPassword();
        RuleFor(x => x.Location).ValidLocation();
        RuleFor(x => x.Phone).ValidPhone();
        RuleFor(x => x.Age).ValidAge();
    }
}

internal static class RegisterUserEndpoint
{
    public static readonly RegisterUser Example = new("ada", "Ada", "Lovelace", "ada@example.com", "analytical-engine", Location: "London");

    [EnableRateLimiting(RateLimitPolicies.Registration)]
    [EndpointName("RegisterUser"), EndpointSummary("Registers a new user.")]
    [ProducesProblem(StatusCodes.Status400BadRequest), ProducesProblem(StatusCodes.Status409Conflict)]
    public static async Task<Created<OwnProfile>> Handle(RegisterUser request, ISender sender, CancellationToken cancellationToken)
    {
        var profile = await sender.Send(request, cancellationToken);
        return TypedResults.Created($"/api/users/{profile.UserId}", profile);
    }
}
