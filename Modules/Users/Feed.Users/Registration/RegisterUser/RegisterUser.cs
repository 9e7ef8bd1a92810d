using Feed.Users.Profiles;
using FluentValidation;
using Mediator;

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
