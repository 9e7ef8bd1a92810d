using Feed.SharedKernel.Auth;
using Feed.SharedKernel.Problems;
using Feed.Users.Authentication;
using Feed.Users.Authentication.IssueToken;
using Feed.Users.InMemory;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Feed.Users.Tests.Authentication;

public sealed class IssueTokenHandlerTests
{
    private const string Password = "correct horse battery staple";

    private static readonly FeedAuthOptions Auth = new()
    {
        SigningKey = "unit-test-signing-key-0123456789-0123456789",
        Issuer = "feed-test",
        Audience = "feed-test-clients",
        TokenLifetimeMinutes = 15,
    };

    private readonly InMemoryUserStore _store = UserFactory.NewInMemoryStore();
    private readonly PasswordHashes _passwords = new(new PasswordHasher<User>());

    private IssueTokenHandler Handler() => new(_store, _passwords, Options.Create(Auth), TimeProvider.System);

    private async Task<User> RegisteredAsync()
    {
        var user = UserFactory.NewUser(username: UserFactory.UniqueUsername("Token"));
        user = user with { PasswordHash = _passwords.Hash(user, Password) };
        await _store.AddAsync(user, CancellationToken.None);
        return user;
    }

    [Fact]
    public async Task Right_password_gets_a_signed_bearer_token_naming_the_user()
    {
        var user = await RegisteredAsync();

        // Usernames are matched ignoring case.
        var issued = await Handler().Handle(new IssueToken(user.Username.ToUpperInvariant(), Password), CancellationToken.None);

        Assert.Equal("Bearer", issued.TokenType);
        Assert.Equal(15 * 60, issued.ExpiresIn);
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(issued.AccessToken, Auth.CreateValidationParameters());
        Assert.True(validation.IsValid, validation.Exception?.Message);
        var token = (JsonWebToken)validation.SecurityToken;
        Assert.Equal("HS256", token.Alg);
        Assert.Equal(user.UserId.ToString(), token.Subject);
        Assert.Equal(user.Username, token.GetClaim("name").Value);
        Assert.True(Guid.TryParse(token.Id, out _));
        Assert.Equal(TimeSpan.FromMinutes(15), token.ValidTo - token.IssuedAt);
        Assert.Equal(user.UserId, validation.ClaimsIdentity.Claims.Single(claim => claim.Type == "sub").Value is var sub ? Guid.Parse(sub) : Guid.Empty);
    }

    [Fact]
    public async Task Each_token_has_its_own_id()
    {
        var user = await RegisteredAsync();

        var first = await Handler().Handle(new IssueToken(user.Username, Password), CancellationToken.None);
        var second = await Handler().Handle(new IssueToken(user.Username, Password), CancellationToken.None);

        Assert.NotEqual(new JsonWebToken(first.AccessToken).Id, new JsonWebToken(second.AccessToken).Id);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_get_the_same_refusal()
    {
        var user = await RegisteredAsync();

        var wrongPassword = await Assert.ThrowsAsync<UnauthorizedException>(async () =>
            await Handler().Handle(new IssueToken(user.Username, Password + "!"), CancellationToken.None));
        var unknownUser = await Assert.ThrowsAsync<UnauthorizedException>(async () =>
            await Handler().Handle(new IssueToken(user.Username + "x", Password), CancellationToken.None));
        var overLong = await Assert.ThrowsAsync<UnauthorizedException>(async () =>
            await Handler().Handle(new IssueToken(user.Username, new string('p', 129)), CancellationToken.None));

        Assert.Equal(wrongPassword.Message, unknownUser.Message);
        Assert.Equal(wrongPassword.Message, overLong.Message);
        Assert.Equal(401, unknownUser.Status);
    }

    [Fact]
    public void Password_hashes_are_salted_and_never_the_password()
    {
        var user = UserFactory.NewUser();

        var first = _passwords.Hash(user, Password);
        var second = _passwords.Hash(user, Password);

        Assert.NotEqual(first, second);
        Assert.DoesNotContain(Password, first, StringComparison.Ordinal);
        Assert.True(_passwords.Matches(user with { PasswordHash = first }, Password));
        Assert.True(_passwords.Matches(user with { PasswordHash = second }, Password));
        Assert.False(_passwords.Matches(user with { PasswordHash = first }, "not the password"));
        Assert.False(_passwords.Matches(null, Password));
    }
}
