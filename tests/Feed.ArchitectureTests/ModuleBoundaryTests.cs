using System.Reflection;
using Architecture = ArchUnitNET.Domain.Architecture;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnitV3;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Feed.ArchitectureTests;

/// <summary>
/// The modular-monolith rules: a module sees other modules only through their Contracts, keeps
/// its internals internal, and the host composes without owning any business handler.
/// </summary>
public sealed class ModuleBoundaryTests
{
    private static readonly string[] ModuleNames = ["Users", "Social", "Timeline"];

    private static Assembly ModuleAssembly(string module) => Assembly.Load($"Feed.{module}");

    private static Assembly ContractsAssembly(string module) => Assembly.Load($"Feed.{module}.Contracts");

    private static readonly Assembly Host = typeof(Program).Assembly;

    private static readonly Architecture Architecture = new ArchLoader()
        .LoadAssemblies(ModuleNames.Select(ModuleAssembly).Concat(ModuleNames.Select(ContractsAssembly)).Append(Host).ToArray())
        .Build();

    public static TheoryData<string> Modules => new(ModuleNames);

    public static TheoryData<string, string> ModulePairs
    {
        get
        {
            var pairs = new TheoryData<string, string>();
            foreach (var module in ModuleNames)
            {
                foreach (var other in ModuleNames.Where(other => other != module))
                {
                    pairs.Add(module, other);
                }
            }

            return pairs;
        }
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void A_module_assembly_references_no_other_module_only_contracts(string module)
    {
        var references = ModuleAssembly(module).GetReferencedAssemblies()
            .Select(reference => reference.Name!)
            .Where(name => name.StartsWith("Feed.", StringComparison.Ordinal))
            .ToList();

        var allowed = ModuleNames.Select(name => $"Feed.{name}.Contracts").Append("Feed.SharedKernel").ToHashSet();
        Assert.All(references, reference => Assert.Contains(reference, allowed));
        Assert.Contains($"Feed.{module}.Contracts", references);
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void A_module_project_file_references_only_contracts_and_the_shared_kernel(string module)
    {
        var project = Path.Combine(RepositoryRoot(), "Modules", module, $"Feed.{module}", $"Feed.{module}.csproj");
        var references = System.Xml.Linq.XDocument.Load(project)
            .Descendants("ProjectReference")
            .Select(element => Path.GetFileNameWithoutExtension(element.Attribute("Include")!.Value.Replace('\\', '/')))
            .ToList();

        Assert.NotEmpty(references);
        Assert.All(references, reference => Assert.True(
            reference.EndsWith(".Contracts", StringComparison.Ordinal) || reference == "Feed.SharedKernel",
            $"Feed.{module} references {reference}: modules may reference only Contracts projects and Feed.SharedKernel."));
    }

    [Theory]
    [MemberData(nameof(ModulePairs))]
    public void Module_types_do_not_depend_on_another_modules_internals(string module, string other)
    {
        var rule = Types().That().ResideInAssembly(ModuleAssembly(module))
            .Should().NotDependOnAny(Types().That().ResideInAssembly(ModuleAssembly(other)))
            .Because($"Feed.{module} may only use Feed.{other}.Contracts");
        rule.Check(Architecture);
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Contracts_depend_on_no_module(string module)
    {
        var rule = Types().That().ResideInAssembly(ContractsAssembly(module))
            .Should().NotDependOnAny(Types().That().ResideInAssembly(ModuleAssembly(ModuleNames[0]), ModuleNames.Skip(1).Select(ModuleAssembly).ToArray()))
            .Because("Contracts are the small public surface other modules see");
        rule.Check(Architecture);
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

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Feed.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Feed.sln not found above the test binaries.");
    }
}
