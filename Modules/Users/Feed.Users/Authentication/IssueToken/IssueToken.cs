using Feed.SharedKernel.Problems;
using Feed.SharedKernel.Validation;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace Feed.Users.Authentication.IssueToken;

/// <summary>Exchanges a username and password for a bearer token. Also the JSON body of <c>POST /api/auth/token</c>.</summary>
internal sealed record IssueToken(string Username, string Password) : ICommand<IssuedToken>;

internal sealed record IssuedToken(string AccessToken, string TokenType, int ExpiresIn);

internal sealed class IssueTokenValidator : AbstractValidator<IssueToken>
{
    public IssueTokenValidator()
    {
        // Same text rules as registration: a name no account can have is refused before any store sees it.
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(x => x.Username).PlainText("username").NotEmpty().WithMessage("'username' is required.");
        RuleFor(x => x.Password).SecretText("password").NotEmpty().WithMessage("'password' is required.");
    }
}

internal sealed class IssueTokenHandler(
    IUserStore store,
    PasswordHashes passwords,
    IOptions<FeedAuthOptions> authOptions,
    TimeProvider time)
    : ICommandHandler<IssueToken, IssuedToken>
{
    public async ValueTask<IssuedToken> Handle(IssueToken command, CancellationToken cancellationToken)
    {
        // Over-long input can match no account: skipping it caps the hashing work a caller can ask for,
        // and reveals nothing but the public length rules.
        var plausible = command.Username.Length <= UserRules.UsernameMaxLength && command.Password.Length <= UserRules.PasswordMaxLength;
        var user = plausible ? await store.FindByUsernameAsync(command.Username, cancellationToken) : null;

        // Same answer, after the same hashing work, for an unknown user and a wrong password.
        if (!plausible || !passwords.Matches(user, command.Password) || user is null)
        {
            throw new UnauthorizedException("The username or password is incorrect.");
        }

        var auth = authOptions.Value;
        var lifetime = TimeSpan.FromMinutes(auth.TokenLifetimeMinutes);
        var token = auth.CreateToken(user.UserId, user.Username, user.SecurityStamp, auth.Audience, time.GetUtcNow().UtcDateTime, lifetime);

        return new IssuedToken(token, "Bearer", (int)lifetime.TotalSeconds);
    }
}

internal static class IssueTokenEndpoint
{
    public static readonly IssueToken Example = new("ada", "analytical-engine");

    [EnableRateLimiting(RateLimitPolicies.Token)]
    [EndpointName("IssueToken"), EndpointSummary("Issues a bearer token for a username and password.")]
    [ProducesProblem(StatusCodes.Status400BadRequest), ProducesProblem(StatusCodes.Status401Unauthorized)]
    public static async Task<Ok<IssuedToken>> Handle(IssueToken request, ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(request, cancellationToken));
}
