using System.Globalization;
using System.Net.Mail;
using System.Text;
using System.Text.RegularExpressions;
using Feed.SharedKernel.Validation;
using FluentValidation;

namespace Feed.Users;

/// <summary>The field rules of a user account, shared by registration, profile updates and sign-in; each starts with the shared text rule.</summary>
internal static partial class UserRules
{
    public const int UsernameMinLength = 3;
    public const int UsernameMaxLength = 30;
    public const int NameMaxLength = 100;
    public const int EmailMaxLength = 254;
    public const int PasswordMinLength = 8;
    public const int PasswordMaxLength = 128;
    public const int LocationMaxLength = 100;
    public const int PhoneMaxLength = 32;
    public const int MinAge = 13;
    public const int MaxAge = 150;

    // ASCII only: look-alike letters from other scripts would let two usernames read the same.
    [GeneratedRegex("^[A-Za-z0-9_.]+$", RegexOptions.CultureInvariant)]
    private static partial Regex UsernamePattern();

    [GeneratedRegex(@"^[0-9 +\-()]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();

    public static IRuleBuilderOptions<T, string> ValidUsername<T>(this IRuleBuilder<T, string> rule) =>
        rule.PlainText("username")
            .NotEmpty().WithMessage("'username' is required.")
            .Length(UsernameMinLength, UsernameMaxLength).WithMessage($"'username' must be {UsernameMinLength} to {UsernameMaxLength} characters long.")
            .Matches(UsernamePattern()).WithMessage("'username' may contain only letters, digits, '_' and '.'.")
            .Must(username => username.Any(char.IsAsciiLetterOrDigit)).WithMessage("'username' must contain a letter or a digit.");

    public static IRuleBuilderOptions<T, string?> ValidName<T>(this IRuleBuilder<T, string?> rule, string field) =>
        rule.PlainText(field)
            .NotEmpty().WithMessage($"'{field}' is required.")
            .AtMostWhenTrimmed(field, NameMaxLength)
            .Must(ShowsACharacter).WithMessage($"'{field}' must contain a letter, digit, punctuation mark or symbol.");

    public static IRuleBuilderOptions<T, string> ValidEmail<T>(this IRuleBuilder<T, string> rule) =>
        rule.PlainText("email")
            .NotEmpty().WithMessage("'email' is required.")
            .MaximumLength(EmailMaxLength).WithMessage($"'email' must be at most {EmailMaxLength} characters long.")
            .Must(IsEmailAddress).WithMessage("'email' is not a valid email address.");

    public static IRuleBuilderOptions<T, string> ValidPassword<T>(this IRuleBuilder<T, string> rule) =>
        rule.SecretText("password")
            .NotEmpty().WithMessage("'password' is required.")
            .Length(PasswordMinLength, PasswordMaxLength).WithMessage($"'password' must be {PasswordMinLength} to {PasswordMaxLength} characters long.");

    public static IRuleBuilderOptions<T, string?> ValidLocation<T>(this IRuleBuilder<T, string?> rule) =>
        rule.PlainText("location")
            .AtMostWhenTrimmed("location", LocationMaxLength);

    public static IRuleBuilderOptions<T, string?> ValidPhone<T>(this IRuleBuilder<T, string?> rule) =>
        rule.PlainText("phone")
            .AtMostWhenTrimmed("phone", PhoneMaxLength)
            .Matches(PhonePattern()).WithMessage("'phone' may contain only digits, spaces, '+', '-', '(' and ')'.")
            .Must(phone => string.IsNullOrEmpty(phone) || phone.Any(char.IsAsciiDigit)).WithMessage("'phone' must contain a digit.");

    public static IRuleBuilderOptions<T, int?> ValidAge<T>(this IRuleBuilder<T, int?> rule) =>
        rule.InclusiveBetween(MinAge, MaxAge).WithMessage($"'age' must be between {MinAge} and {MaxAge}.");

    /// <summary>
    /// The length as stored: names, location and phone are kept without the spaces around them, so those
    /// spaces do not count (a pasted name padded past the limit is not refused for what is never kept).
    /// </summary>
    private static IRuleBuilderOptions<T, string?> AtMostWhenTrimmed<T>(this IRuleBuilder<T, string?> rule, string field, int maxLength) =>
        rule.Must(value => value is null || value.AsSpan().Trim().Length <= maxLength)
            .WithMessage($"'{field}' must be at most {maxLength} characters long.");

    /// <summary>
    /// Whether text shows anything: not only spaces, joiners and other invisible format characters (a name of a
    /// lone zero-width space displays as blank), nor only combining marks, which have nothing to sit on. An emoji
    /// joined by zero-width joiners shows, so it passes.
    /// </summary>
    private static bool ShowsACharacter(string? value) =>
        value is null || value.EnumerateRunes().Any(Shows);

    private static bool Shows(Rune rune) => rune.Value switch
    {
        // The Hangul fillers are letters by category and the blank Braille pattern a symbol, but all four draw
        // nothing: the usual way to a name that displays as blank.
        0x115F or 0x1160 or 0x3164 or 0xFFA0 or 0x2800 => false,
        _ => Rune.GetUnicodeCategory(rune) switch
        {
            >= UnicodeCategory.UppercaseLetter and <= UnicodeCategory.OtherLetter => true,
            >= UnicodeCategory.DecimalDigitNumber and <= UnicodeCategory.OtherNumber => true,
            >= UnicodeCategory.ConnectorPunctuation and <= UnicodeCategory.OtherSymbol => true,
            // Drawn with a font that has it, else as a box. A character newer than this runtime's Unicode tables
            // (an emoji of a later version) is unassigned here: it shows, unless it is a noncharacter or in a range
            // Unicode keeps for invisible characters (U+2065, U+FFF0-U+FFF8, U+E0000-U+E0FFF).
            UnicodeCategory.PrivateUse => true,
            UnicodeCategory.OtherNotAssigned => !IsNoncharacter(rune.Value)
                && rune.Value is not (0x2065 or (>= 0xFFF0 and <= 0xFFF8) or (>= 0xE0000 and <= 0xE0FFF)),
            _ => false,
        },
    };

    private static bool IsNoncharacter(int codePoint) =>
        codePoint is >= 0xFDD0 and <= 0xFDEF || (codePoint & 0xFFFE) == 0xFFFE;

    /// <summary>A bare address (no display name, no surrounding text) whose domain has a dot.</summary>
    private static bool IsEmailAddress(string? value) =>
        value is not null
        && !value.Any(char.IsWhiteSpace)
        && MailAddress.TryCreate(value, out var address)
        && address.Address == value
        && address.DisplayName.Length == 0
        && address.Host.Contains('.', StringComparison.Ordinal)
        && !address.Host.EndsWith('.');
}
