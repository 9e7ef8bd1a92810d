using System.Globalization;
using FluentValidation;

namespace Feed.SharedKernel.Validation;

/// <summary>
/// The one rule for text that reaches a store, applied by every validator to every text field, so
/// each store adapter gets the same text and no store sees what another would refuse (PostgreSQL
/// rejects NUL; the in-memory store would keep it).
/// <list type="bullet">
/// <item><b>Plain text</b> (names, usernames, e-mail, location, URLs, query values): no control
/// characters (C0, DEL and C1: U+0000–U+001F, U+007F–U+009F, so no NUL, tab, CR or LF), no line or
/// paragraph separator (U+2028, U+2029: line breaks by another name), no unpaired surrogate, no
/// bidirectional embedding, override or isolate (U+202A–U+202E, U+2066–U+2069), which would make a
/// name display as something else.</item>
/// <item><b>Secrets</b> (passwords): only NUL and unpaired surrogates are refused. A password is never
/// stored or shown, only hashed, so any other character may be part of it; but NUL is cut off by
/// C-string clients and an unpaired surrogate hashes as U+FFFD, so two different passwords would match.</item>
/// </list>
/// </summary>
public static class TextRules
{
    /// <summary>The first character plain text may not hold, with its index; null when there is none.</summary>
    public static (int Index, string What)? FindDisallowedInPlainText(string? value) => Find(value, secret: false);

    /// <summary>The first character a secret may not hold, with its index; null when there is none.</summary>
    public static (int Index, string What)? FindDisallowedInSecret(string? value) => Find(value, secret: true);

    public static bool IsPlainText(string? value) => FindDisallowedInPlainText(value) is null;

    /// <summary>Refuses control, line-separator, bidirectional-override and unpaired-surrogate characters; null passes (other rules decide).</summary>
    public static IRuleBuilderOptions<T, string?> PlainText<T>(this IRuleBuilder<T, string?> rule, string field) =>
        rule.Must(value => FindDisallowedInPlainText(value) is null)
            .WithMessage((_, value) => Describe(field, FindDisallowedInPlainText(value)));

    /// <summary>Refuses NUL and unpaired surrogates in a password; null passes.</summary>
    public static IRuleBuilderOptions<T, string?> SecretText<T>(this IRuleBuilder<T, string?> rule, string field) =>
        rule.Must(value => FindDisallowedInSecret(value) is null)
            .WithMessage((_, value) => Describe(field, FindDisallowedInSecret(value)));

    private static string Describe(string field, (int Index, string What)? found) =>
        found is { } at
            ? $"'{field}' contains {at.What} at position {at.Index}; control characters, line separators, bidirectional overrides and unpaired surrogates are not allowed."
            : $"'{field}' contains a character that is not allowed.";

    private static (int Index, string What)? Find(string? value, bool secret)
    {
        if (value is null)
        {
            return null;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++; // a well-formed pair: a character outside the BMP (e.g. an emoji)
                continue;
            }

            if (char.IsSurrogate(c))
            {
                return (i, $"an unpaired surrogate ({CodePoint(c)})");
            }

            if (c == '\0')
            {
                return (i, "a NUL character (U+0000)");
            }

            if (secret)
            {
                continue;
            }

            if (char.IsControl(c))
            {
                return (i, $"a control character ({CodePoint(c)})");
            }

            if (c is '\u2028' or '\u2029')
            {
                return (i, $"a line or paragraph separator ({CodePoint(c)})");
            }

            if (c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069')
            {
                return (i, $"a bidirectional formatting character ({CodePoint(c)})");
            }
        }

        return null;
    }

    private static string CodePoint(char c) => "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);
}
