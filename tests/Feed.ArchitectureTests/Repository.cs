namespace Feed.ArchitectureTests;

/// <summary>The checkout these tests were built from.</summary>
internal static class Repository
{
    /// <summary>The directory holding Feed.sln, found upwards from the test binaries.</summary>
    public static string Root()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Feed.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Feed.sln not found above the test binaries.");
    }
}
