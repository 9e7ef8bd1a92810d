using System.Reflection;
using System.Runtime.CompilerServices;
using System.Xml.Linq;

namespace Feed.ArchitectureTests;

/// <summary>
/// The modular-monolith rules: a module sees other modules only through their Contracts, keeps
/// its internals internal (and shows them to no other module), Contracts and the shared kernel
/// depend on no module, and the host composes without owning any business handler. Each reference
/// rule reads both the project file (what may be used) and the compiled assembly (what is used:
/// the compiler drops a reference nothing uses, and a project file can be bypassed).
/// </summary>
public sealed class ModuleBoundaryTests
{
    private static readonly string[] ModuleNames = ["Users", "Social", "Timeline"];

    private static Assembly ModuleAssembly(string module) => Assembly.Load($"Feed.{module}");

    private static Assembly ContractsAssembly(string module) => Assembly.Load($"Feed.{module}.Contracts");

    private static readonly Assembly SharedKernel = Assembly.Load("Feed.SharedKernel");

    private static readonly Assembly Host = typeof(Program).Assembly;

    /// <summary>Every assembly of a module: its implementation and its Contracts.</summary>
    private static readonly HashSet<string> ModuleAssemblyNames =
        [.. ModuleNames.SelectMany(module => new[] { $"Feed.{module}", $"Feed.{module}.Contracts" })];

    public static TheoryData<string> Modules => new(ModuleNames);

    [Theory]
    [MemberData(nameof(Modules))]
    public void A_module_assembly_references_no_other_module_only_contracts(string module)
    {
        var references = FeedAssemblyReferences(ModuleAssembly(module));

        var allowed = ModuleNames.Select(name => $"Feed.{name}.Contracts").Append("Feed.SharedKernel").ToHashSet();
        Assert.All(references, reference => Assert.Contains(reference, allowed));
        Assert.Contains($"Feed.{module}.Contracts", references);
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void A_module_project_file_references_only_contracts_and_the_shared_kernel(string module)
    {
        var project = Path.Combine(RepositoryRoot(), "Modules", module, $"Feed.{module}", $"Feed.{module}.csproj");
        var references = FeedProjectReferences(project);

        Assert.NotEmpty(references);
        Assert.All(references, reference => Assert.True(
            reference.EndsWith(".Contracts", StringComparison.Ordinal) || reference == "Feed.SharedKernel",
            $"Feed.{module} references {reference}: modules may reference only Contracts projects and Feed.SharedKernel."));
    }

    [Fact]
    public void The_shared_kernel_references_no_module()
    {
        Assert.Empty(FeedProjectReferences(Path.Combine(RepositoryRoot(), "src", "Feed.SharedKernel", "Feed.SharedKernel.csproj")));
        Assert.Empty(FeedAssemblyReferences(SharedKernel));
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void A_contracts_project_references_nothing_but_the_shared_kernel(string module)
    {
        var project = Path.Combine(RepositoryRoot(), "Modules", module, $"Feed.{module}.Contracts", $"Feed.{module}.Contracts.csproj");

        Assert.All(FeedProjectReferences(project), reference => Assert.Equal("Feed.SharedKernel", reference));
        Assert.All(FeedAssemblyReferences(ContractsAssembly(module)), reference => Assert.Equal("Feed.SharedKernel", reference));
    }

    [Fact]
    public void No_module_shows_its_internals_to_another_module()
    {
        // A module, its Contracts or the shared kernel may open its internals to the host, tests and
        // benchmarks, never to a module: that would be a way around the Contracts.
        var granted = ModuleNames.SelectMany(module => new[] { ModuleAssembly(module), ContractsAssembly(module) }).Append(SharedKernel)
            .SelectMany(assembly => assembly.GetCustomAttributes<InternalsVisibleToAttribute>()
                .Select(attribute => (From: assembly.GetName().Name!, To: new AssemblyName(attribute.AssemblyName).Name!)))
            .Where(grant => ModuleAssemblyNames.Contains(grant.To) || grant.To == "Feed.SharedKernel")
            .Select(grant => $"{grant.From} -> {grant.To}");

        Assert.Empty(granted);
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Module_internals_are_not_public(string module)
    {
        var exported = ModuleAssembly(module).GetExportedTypes().Select(type => type.FullName).ToList();
        Assert.Equal([$"Feed.{module}.{module}Module"], exported);
    }

    [Fact]
    public void The_host_holds_no_handlers()
    {
        var handlerInterfaces = new[]
        {
            typeof(Mediator.IRequestHandler<,>), typeof(Mediator.ICommandHandler<,>),
            typeof(Mediator.IQueryHandler<,>), typeof(Mediator.INotificationHandler<>),
        };

        // The source-generated mediator lives in namespace "Mediator"; everything else is hand-written.
        var handlers = Host.GetTypes()
            .Where(type => type.Namespace != "Mediator" && !type.IsInterface)
            .Where(type => type.GetInterfaces().Any(implemented =>
                implemented.IsGenericType && handlerInterfaces.Contains(implemented.GetGenericTypeDefinition())))
            .Select(type => type.FullName)
            .ToList();

        Assert.Empty(handlers);
    }

    [Fact]
    public void Every_module_has_handlers_of_its_own()
    {
        foreach (var module in ModuleNames)
        {
            var handlerCount = ModuleAssembly(module).GetTypes().Count(type => type.GetInterfaces().Any(implemented =>
                implemented.IsGenericType && implemented.GetGenericTypeDefinition().Namespace == "Mediator"
                && implemented.GetGenericTypeDefinition().Name.Contains("Handler", StringComparison.Ordinal)));
            Assert.True(handlerCount > 0, $"Feed.{module} has no mediator handlers");
        }
    }

    /// <summary>The Feed assemblies <paramref name="assembly"/> was compiled against and uses.</summary>
    private static List<string> FeedAssemblyReferences(Assembly assembly) =>
        [.. assembly.GetReferencedAssemblies().Select(reference => reference.Name!).Where(name => name.StartsWith("Feed.", StringComparison.Ordinal))];

    /// <summary>The projects a project file references, by name.</summary>
    private static List<string> FeedProjectReferences(string project) =>
        [.. XDocument.Load(project)
            .Descendants("ProjectReference")
            .Select(element => Path.GetFileNameWithoutExtension(element.Attribute("Include")!.Value.Replace('\\', '/')))];

    private static string RepositoryRoot() => Repository.Root();
}
