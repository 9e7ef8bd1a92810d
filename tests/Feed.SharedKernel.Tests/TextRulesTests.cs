using CsCheck;
using Feed.SharedKernel.Validation;

namespace Feed.SharedKernel.Tests;

public sealed class TextRulesTests
{
    [Theory]
    [InlineData("Ada Lovelace")]
    [InlineData("Zoë Ångström-Ñúñez")]
    [InlineData("李小龍")]
    [InlineData("محمد")] // right-to-left script without override characters
    [InlineData("emoji \U0001F600 pair")]
    [InlineData("https://cdn.example.com/a.jpg?x=1&y=%00")] // an escaped NUL is three plain characters
    [InlineData("")]
    public void Plain_text_of_any_script_passes(string value)
    {
        Assert.True(TextRules.IsPlainText(value));
        Assert.Null(TextRules.FindDisallowedInSecret(value));
    }

    [Theory]
    [InlineData("a\0b", 1)]
    [InlineData("\u0001abc", 0)]
    [InlineData("ab\u001F", 2)]
    [InlineData("line\r\nbreak", 4)]
    [InlineData("tab\there", 3)]
    [InlineData("del\u007F", 3)]
    [InlineData("c1\u0085", 2)]
    [InlineData("c1\u009F", 2)]
    [InlineData("evil\u202Egnp.exe", 4)]
    [InlineData("\u202Aembed", 0)]
    [InlineData("iso\u2066late", 3)]
    [InlineData("iso\u2069", 3)]
    [InlineData("line\u2028separator", 4)]
    [InlineData("\u2029paragraph", 0)]
    public void Control_bidi_override_and_unpaired_surrogate_characters_are_found_where_they_are(string value, int index)
    {
        Assert.False(TextRules.IsPlainText(value));
        Assert.Equal(index, TextRules.FindDisallowedInPlainText(value)?.Index);
    }

    [Fact]
    public void Unpaired_surrogates_are_found_where_they_are()
    {
        // Built here, not as InlineData: test-case serialization would turn them into U+FFFD.
        foreach (var (value, index) in new[] { ("lone \uD800 high", 5), ("lone \uDC00 low", 5), ("reversed \uDE00\uD83D pair", 9), ("ends high \uD83D", 10) })
        {
            Assert.Equal(index, TextRules.FindDisallowedInPlainText(value)?.Index);
            Assert.Equal(index, TextRules.FindDisallowedInSecret(value)?.Index);
        }
    }

    [Theory]
    [InlineData("pass\0word", true)]
    [InlineData("pass\tword", false)]
    [InlineData("pass\u202Eword", false)]
    [InlineData("pass\u0085word", false)]
    [InlineData("pass\u2028word", false)]
    public void A_secret_refuses_only_nul_and_unpaired_surrogates(string value, bool refused) =>
        Assert.Equal(refused, TextRules.FindDisallowedInSecret(value) is not null);

    [Fact]
    public void The_rule_agrees_with_a_character_by_character_model_on_random_text()
    {
        // The model, written independently: which UTF-16 code units are refused, pairs aside.
        static bool Refused(string value, int i) =>
            value[i] < 0x20 || value[i] is >= '\u007F' and <= '\u009F' || value[i] is >= '\u2028' and <= '\u2029' or >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069'
            || (char.IsHighSurrogate(value[i]) && (i + 1 == value.Length || !char.IsLowSurrogate(value[i + 1])))
            || (char.IsLowSurrogate(value[i]) && (i == 0 || !char.IsHighSurrogate(value[i - 1])));

        var text = Gen.String[Gen.OneOf(Gen.Char['a', 'z'], Gen.Char['\0', '\u00A0'], Gen.Char['\u2060', '\u2070'], Gen.Char['\u2026', '\u202E'], Gen.Char['\uD800', '\uDFFF']), 0, 12];
        text.Sample(value =>
        {
            int? expected = Enumerable.Range(0, value.Length).Cast<int?>().FirstOrDefault(i => Refused(value, i!.Value));
            Assert.Equal(expected, TextRules.FindDisallowedInPlainText(value)?.Index);
        });
    }
}
