using Feed.SharedKernel.Paging;
using Microsoft.Extensions.Options;

namespace Feed.Testing;

/// <summary>Cursor signers for tests that build handlers and validators by hand, with test-only keys.</summary>
public static class TestCursors
{
    public const string Key = "test-only-cursor-key-0123456789-0123456789";

    public static PageCursors Create(string key = Key) => new(Options.Create(new CursorOptions { SigningKey = key }));
}
