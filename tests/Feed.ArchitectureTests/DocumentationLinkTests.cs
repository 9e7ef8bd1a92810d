using System.Text;
using System.Text.RegularExpressions;

namespace Feed.ArchitectureTests;

/// <summary>
/// The Markdown documents link to each other and to the code by relative paths, often to a section: a file
/// moved or a heading reworded leaves a link that leads nowhere, which no build notices. Links to other sites
/// are not checked (no network in the tests).
/// </summary>
public sealed partial class DocumentationLinkTests
{
    private static readonly string[] SkippedDirectories = ["bin", "obj", "node_modules", "artifacts", "TestResults", ".git"];

    [Fact]
    public void Every_relative_link_in_the_documents_leads_to_a_file_and_section_that_exist()
    {
        var root = Repository.Root();
        var broken = new List<string>();
        var documents = Documents(root).ToList();
        foreach (var document in documents)
        {
            foreach (var link in Links(File.ReadAllText(document)))
            {
                var hash = link.IndexOf('#', StringComparison.Ordinal);
                var (path, section) = hash < 0 ? (link, string.Empty) : (link[..hash], link[(hash + 1)..]);
                var target = path.Length == 0 ? document : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(document)!, Uri.UnescapeDataString(path)));
                var found = File.Exists(target) || Directory.Exists(target);
                if (!found || (section.Length > 0 && target.EndsWith(".md", StringComparison.Ordinal) && !Sections(File.ReadAllText(target)).Contains(section)))
                {
                    broken.Add($"{Path.GetRelativePath(root, document)}: {link}");
                }
            }
        }

        Assert.NotEmpty(documents);
        Assert.Empty(broken);
    }

    [Theory]
    [InlineData("### `fanout`: CPU per entry, on two shared cores", "fanout-cpu-per-entry-on-two-shared-cores")]
    [InlineData("### The graph (`src/Feed.Demo/Graph/SocialGraph.cs`, shared with the demo seeder)", "the-graph-srcfeeddemographsocialgraphcs-shared-with-the-demo-seeder")]
    [InlineData("## read_full: 2 round trips", "read_full-2-round-trips")]
    public void A_section_s_anchor_is_the_one_GitHub_makes(string heading, string anchor) =>
        Assert.Contains(anchor, Sections(heading));

    [Fact]
    public void A_heading_used_twice_gets_a_numbered_anchor_the_second_time() =>
        Assert.Equal(["notes", "notes-1"], Sections("## Notes\ntext\n## Notes\n"));

    private static IEnumerable<string> Documents(string root) =>
        Directory.EnumerateFiles(root, "*.md", SearchOption.AllDirectories)
            .Where(file => !Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar).Any(SkippedDirectories.Contains));

    /// <summary>Relative link targets, outside code blocks and code spans (where brackets are text).</summary>
    private static IEnumerable<string> Links(string markdown)
    {
        var text = InlineCode().Replace(FencedCode().Replace(markdown, string.Empty), string.Empty);
        return LinkTarget().Matches(text)
            .Select(match => match.Groups["target"].Value)
            .Where(target => !Scheme().IsMatch(target));
    }

    /// <summary>Each heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens, repeats numbered.</summary>
    private static List<string> Sections(string markdown)
    {
        var anchors = new List<string>();
        var uses = new Dictionary<string, int>();
        foreach (Match heading in Heading().Matches(FencedCode().Replace(markdown, string.Empty)))
        {
            var slug = new StringBuilder();
            foreach (var character in heading.Groups["title"].Value.Trim().ToLowerInvariant())
            {
                if (char.IsLetterOrDigit(character) || character is '-' or '_')
                {
                    slug.Append(character);
                }
                else if (character == ' ')
                {
                    slug.Append('-');
                }
            }

            var anchor = slug.ToString();
            var used = uses.GetValueOrDefault(anchor);
            uses[anchor] = used + 1;
            anchors.Add(used == 0 ? anchor : $"{anchor}-{used}");
        }

        return anchors;
    }

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)[^)]*\)")]
    private static partial Regex LinkTarget();

    [GeneratedRegex(@"^[a-z][a-z0-9+.-]*:", RegexOptions.IgnoreCase)]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^#{1,6}[ \t]+(?<title>.+?)[ \t]*#*[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
