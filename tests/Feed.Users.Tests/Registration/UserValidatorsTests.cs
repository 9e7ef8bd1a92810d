using Feed.Users.Authentication.IssueToken;
using Feed.Users.Profiles.UpdateOwnProfile;
using Feed.Users.Registration.RegisterUser;
using FluentValidation.Results;

namespace Feed.Users.Tests.Registration;

public sealed class UserValidatorsTests
{
    private static readonly RegisterUser Valid = new("ada.l_1", "Ada", "Lovelace", "ada@example.com", "analytical engine", "London", "+44 (20) 7946-0000", 36);

    private static readonly UpdateOwnProfile NoChange = new(Guid.CreateVersion7(), null, null, null, null, null, null, null, null, null);

    private static string[] FailedFields(ValidationResult result) =>
        result.Errors.Select(error => Feed.SharedKernel.Problems.ProblemExceptionHandler.FieldName(error.PropertyName)).Distinct().ToArray();

    [Fact]
    public void A_complete_registration_is_valid() =>
        Assert.True(new RegisterUserValidator().Validate(Valid).IsValid);

    [Fact]
    public void A_minimal_registration_is_valid() =>
        Assert.True(new RegisterUserValidator().Validate(Valid with { Location = null, Phone = null, Age = null }).IsValid);

    // Keyed by a readable name: the cases hold internal types, which a public theory parameter cannot.
    private static readonly Dictionary<string, (RegisterUser Registration, string Field)> InvalidRegistrationCases = new()
    {
        ["username 0"] = (Valid with { Username = null! }, "username"),
        ["username 1"] = (Valid with { Username = "ab" }, "username"),
        ["username 2"] = (Valid with { Username = new string('a', 31) }, "username"),
        ["username 3"] = (Valid with { Username = "ada lovelace" }, "username"),
        ["username 4"] = (Valid with { Username = "ada-l" }, "username"),
        ["username 5"] = (Valid with { Username = "adä" }, "username"),
        ["first_name 6"] = (Valid with { FirstName = "" }, "first_name"),
        ["first_name 7"] = (Valid with { FirstName = "  " }, "first_name"),
        ["first_name 8"] = (Valid with { FirstName = new string('a', 101) }, "first_name"),
        ["last_name 9"] = (Valid with { LastName = null! }, "last_name"),
        ["last_name 10"] = (Valid with { LastName = new string('a', 101) }, "last_name"),
        ["email 11"] = (Valid with { Email = "" }, "email"),
        ["email 12"] = (Valid with { Email = "ada" }, "email"),
        ["email 13"] = (Valid with { Email = "ada@" }, "email"),
        ["email 14"] = (Valid with { Email = "@example.com" }, "email"),
        ["email 15"] = (Valid with { Email = "ada@localhost" }, "email"),
        ["email 16"] = (Valid with { Email = "Ada <ada@example.com>" }, "email"),
        ["email 17"] = (Valid with { Email = "ada lovelace@example.com" }, "email"),
        ["email 18"] = (Valid with { Email = new string('a', 243) + "@example.com" }, "email"),
        ["password 19"] = (Valid with { Password = null! }, "password"),
        ["password 20"] = (Valid with { Password = "short" }, "password"),
        ["password 21"] = (Valid with { Password = new string('p', 129) }, "password"),
        ["location 22"] = (Valid with { Location = new string('l', 101) }, "location"),
        ["phone 23"] = (Valid with { Phone = "call me" }, "phone"),
        ["phone 24"] = (Valid with { Phone = "+-()" }, "phone"),
        ["phone 25"] = (Valid with { Phone = new string('1', 33) }, "phone"),
        ["age 26"] = (Valid with { Age = 12 }, "age"),
        ["age 27"] = (Valid with { Age = 151 }, "age"),
        ["username 28"] = (Valid with { Username = "ada\0" }, "username"),
        ["first_name 29"] = (Valid with { FirstName = "Ada\0" }, "first_name"),
        ["last_name 30"] = (Valid with { LastName = "Love\r\nlace" }, "last_name"),
        ["first_name 31"] = (Valid with { FirstName = "\u202EadA" }, "first_name"),
        ["location 32"] = (Valid with { Location = "Lon\u0085don" }, "location"),
        ["email 33"] = (Valid with { Email = "ada\u0001@example.com" }, "email"),
        ["phone 34"] = (Valid with { Phone = "123\0" }, "phone"),
        ["password 35"] = (Valid with { Password = "analytical\0engine" }, "password"),
        ["password 36"] = (Valid with { Password = "analytical \uD800 engine" }, "password"),
        ["last_name 37"] = (Valid with { LastName = "Lovelace\uDC00" }, "last_name"),
        ["first_name 38"] = (Valid with { FirstName = "\u200B" }, "first_name"),
        ["last_name 39"] = (Valid with { LastName = " \u200D\u200C\u2060 " }, "last_name"),
        ["first_name 40"] = (Valid with { FirstName = "\u0301\u0308" }, "first_name"),
        ["username 41"] = (Valid with { Username = "..." }, "username"),
        ["username 42"] = (Valid with { Username = "_._" }, "username"),
        ["first_name 43"] = (Valid with { FirstName = "\u3164" }, "first_name"),
        ["last_name 44"] = (Valid with { LastName = "\u115F\u1160 \uFFA0" }, "last_name"),
        ["first_name 45"] = (Valid with { FirstName = "\u2800\u2800" }, "first_name"),
        ["last_name 46"] = (Valid with { LastName = "\uFDD0\uFFFF\u2065\U000E0080" }, "last_name"),
    };

    [Fact]
    public void A_password_may_hold_controls_and_bidi_characters_other_than_nul() =>
        Assert.True(new RegisterUserValidator().Validate(Valid with { Password = "tab\there \u202E bidi" }).IsValid);

    [Fact]
    public void A_token_request_refuses_the_same_text_as_registration()
    {
        var validator = new IssueTokenValidator();

        Assert.Equal(["username"], FailedFields(validator.Validate(new IssueToken("ada\0", "analytical engine"))));
        Assert.Equal(["password"], FailedFields(validator.Validate(new IssueToken("ada", "analytical\0engine"))));
        Assert.True(validator.Validate(new IssueToken("ada", "analytical engine")).IsValid);
    }

    public static TheoryData<string> InvalidRegistrations() => new(InvalidRegistrationCases.Keys);

    [Theory]
    [MemberData(nameof(InvalidRegistrations))]
    public void Each_invalid_registration_field_is_named(string name)
    {
        var (registration, field) = InvalidRegistrationCases[name];
        var result = new RegisterUserValidator().Validate(registration);

        Assert.Equal([field], FailedFields(result));
        Assert.All(result.Errors, error => Assert.Contains($"'{field}'", error.ErrorMessage, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Zoë")]
    [InlineData("O'Brien")]
    [InlineData("李")]
    [InlineData("\U0001F469\u200D\U0001F4BB")]
    [InlineData("\u200BAda")]
    [InlineData("देवनागरी")]
    [InlineData("สมชาย")]
    [InlineData("محمد")]
    [InlineData("김민준")]
    [InlineData("ஸ்ரீ")]
    [InlineData("\U0001F44B\U0001F3FD")]
    [InlineData("\U0001F1EB\U0001F1F7")]
    [InlineData("\u02BB")]
    [InlineData("'")]
    [InlineData("\u3164Ada")]
    [InlineData("\U0001FAE9")]
    [InlineData("\U0001FAEA")] // Unicode 17 emoji: unassigned in the runtime's Unicode 16 tables
    [InlineData("\U0001FACD")]
    [InlineData("\uE000")] // private use: drawn by a font that has it, else as a box
    public void Names_that_show_a_character_are_accepted(string name) =>
        Assert.True(new RegisterUserValidator().Validate(Valid with { FirstName = name, LastName = name }).IsValid);

    [Theory]
    [InlineData("abc")]
    [InlineData("A.B_c")]
    [InlineData("012345678901234567890123456789")]
    public void Boundary_usernames_are_accepted(string username) =>
        Assert.True(new RegisterUserValidator().Validate(Valid with { Username = username }).IsValid);

    [Fact]
    public void Boundary_lengths_are_accepted()
    {
        var registration = Valid with
        {
            FirstName = "A",
            LastName = new string('b', 100),
            Email = new string('a', 242) + "@example.com",
            Password = new string('p', 8),
            Location = new string('l', 100),
            Phone = new string('1', 32),
            Age = 13,
        };

        Assert.True(new RegisterUserValidator().Validate(registration).IsValid);
        Assert.True(new RegisterUserValidator().Validate(registration with { Password = new string('p', 128), Age = 150 }).IsValid);
    }

    [Fact]
    public void Spaces_around_a_name_location_or_phone_do_not_count_toward_its_length()
    {
        // Kept trimmed (User.EmptyAsNull, ProfileChanges.ApplyTo), so counted trimmed: a value at its limit,
        // pasted with spaces around it, is accepted; one over its limit still is not.
        var registration = Valid with
        {
            FirstName = "  " + new string('a', 100) + " ",
            LastName = "\u00A0" + new string('b', 100),
            Location = new string('l', 100) + "   ",
            Phone = " " + new string('1', 32) + " ",
        };
        var update = NoChange with { FirstName = registration.FirstName, LastName = registration.LastName, Location = registration.Location, Phone = registration.Phone };

        Assert.True(new RegisterUserValidator().Validate(registration).IsValid);
        Assert.True(new UpdateOwnProfileValidator().Validate(update).IsValid);
        Assert.Equal(["first_name"], FailedFields(new RegisterUserValidator().Validate(registration with { FirstName = " " + new string('a', 101) + " " })));
        Assert.Equal(["phone"], FailedFields(new UpdateOwnProfileValidator().Validate(update with { Phone = " " + new string('1', 33) })));
    }

    [Fact]
    public void An_empty_profile_update_is_valid() =>
        Assert.True(new UpdateOwnProfileValidator().Validate(NoChange).IsValid);

    [Fact]
    public void An_update_may_clear_location_and_phone() =>
        Assert.True(new UpdateOwnProfileValidator().Validate(NoChange with { Location = "", Phone = "" }).IsValid);

    private static readonly Dictionary<string, (UpdateOwnProfile Update, string Field)> InvalidUpdateCases = new()
    {
        ["username"] = (NoChange with { Username = "renamed" }, "username"),
        ["first_name"] = (NoChange with { FirstName = "" }, "first_name"),
        ["last_name"] = (NoChange with { LastName = new string('a', 101) }, "last_name"),
        ["email"] = (NoChange with { Email = "not-an-email" }, "email"),
        ["password"] = (NoChange with { Password = "short" }, "password"),
        ["location"] = (NoChange with { Location = new string('l', 101) }, "location"),
        ["phone"] = (NoChange with { Phone = "phone" }, "phone"),
        ["age"] = (NoChange with { Age = 0 }, "age"),
    };

    public static TheoryData<string> InvalidUpdates() => new(InvalidUpdateCases.Keys);

    [Theory]
    [MemberData(nameof(InvalidUpdates))]
    public void Each_invalid_update_field_is_named(string name)
    {
        var (update, field) = InvalidUpdateCases[name];

        Assert.Equal([field], FailedFields(new UpdateOwnProfileValidator().Validate(update)));
    }

    [Fact]
    public void Every_invalid_field_is_reported_at_once()
    {
        var result = new RegisterUserValidator().Validate(new RegisterUser("x", "", "", "bad", "short", null, "abc", 5));

        Assert.Equal(["username", "first_name", "last_name", "email", "password", "phone", "age"], FailedFields(result));
    }
}
