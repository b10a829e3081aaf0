using System.Text.Json;
using Signals.Testing;

namespace Signals.Generators.Tests.Packaging;

/// <summary>
/// The packages as a user gets them (<see cref="PackedFeed"/>): <c>Signals</c> carries the generator under <c>analyzers/dotnet/cs</c>
/// (typed keys, value accessors, the catalog, and no client accessors, which would not compile without the client), so a fresh project
/// outside the repository gets them; <c>Signals.EntityFrameworkCore</c> depends on neither Npgsql, SQLite nor StackExchange.Redis, which
/// come with <c>Signals.EntityFrameworkCore.PostgreSql</c>, <c>Signals.EntityFrameworkCore.Sqlite</c> and <c>Signals.Redis</c>, and a
/// context registered the README's way gets the PostgreSQL model parts and the Redis options; a project that also references
/// <c>Signals.Client</c> gets the typed client accessors;
/// and every package carries its readme, licence, repository, SourceLink, symbols and a deterministic build.
/// </summary>
public class PackageTests(PackedFeed packages) : IClassFixture<PackedFeed>
{
    private const string Declarations = """
        using Signals;

        namespace PackageProbe;

        [SignalNamespace("pkg")]
        [Signal]
        [SignalFamily("room:{RoomId}")]
        public partial class Message
        {
            public string RoomId { get; set; } = "";
        }

        [SignalValue("pkg:theme")]
        public partial record Theme(string Mode = "dark");
        """;

    private const string KeysProgram = """
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Options;
        using Signals;
        using Signals.EntityFrameworkCore;
        using Signals.EntityFrameworkCore.PostgreSql;
        using Signals.Redis;

        namespace PackageProbe;

        public sealed class AppDb(DbContextOptions<AppDb> options) : DbContext(options)
        {
            public DbSet<Message> Messages => Set<Message>();

            protected override void OnModelCreating(ModelBuilder modelBuilder)
            {
                modelBuilder.Entity<Message>().HasKey(m => m.RoomId);
                modelBuilder.AddSignalsOutbox();
            }
        }

        public static class Program
        {
            public static void Main()
            {
                Console.WriteLine(Message.Keys.All);
                Console.WriteLine(Message.Keys.Room("a:b"));
                Console.WriteLine(Theme.Keys.Value);
                Console.WriteLine(Theme.Values.CreateDefault().Mode);
                foreach (SignalDescriptor descriptor in SignalCatalog.Registered.Descriptors)
                {
                    Console.WriteLine($"{descriptor.Pattern} {descriptor.Kind} {descriptor.ClrType}");
                }

                // The README's registration; nothing connects until the host starts.
                var services = new ServiceCollection();
                services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
                services.AddLogging();
                services.AddDbContext<AppDb>(o => o.UseNpgsql("Host=127.0.0.1;Port=1;Database=none"));
                services.AddSignals().AddEntityFrameworkCoreOutbox<AppDb>().UsePostgreSql().AddRedis("127.0.0.1:1");
                using ServiceProvider provider = services.BuildServiceProvider();
                using IServiceScope scope = provider.CreateScope();
                AppDb db = scope.ServiceProvider.GetRequiredService<AppDb>();
                Console.WriteLine(db.Model.FindEntityType(typeof(SignalOutboxEntry))!.FindProperty("TransactionId")!.GetColumnType());
                Console.WriteLine(provider.GetRequiredService<IOptionsMonitor<SignalsRedisOptions>>().Get(typeof(AppDb).FullName).Configuration);
                Console.WriteLine(SignalsSchema.PostgreSqlScript.Contains(SignalsTableNames.Outbox, StringComparison.Ordinal));
            }
        }
        """;

    private const string ClientProgram = """
        using Microsoft.Extensions.DependencyInjection;
        using Signals.Client;

        namespace PackageProbe;

        public static class Program
        {
            public static void Main()
            {
                using ServiceProvider services = new ServiceCollection().AddSignalsClient(new Uri("http://127.0.0.1:5080")).Services.BuildServiceProvider();
                ISignalsClient client = services.GetRequiredService<ISignalsClient>();
                Console.WriteLine(client.GetType().FullName);
                Console.WriteLine(client.Message().All.Key);
                Console.WriteLine(client.Message().Room("a:b").Key);
                Console.WriteLine(client.Theme().Key);
            }
        }
        """;

    [Fact]
    public async Task Fresh_projects_referencing_the_packages_get_generated_keys_the_providers_and_with_the_client_package_typed_accessors()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using (var package = new NuGetPackage(packages.PathOf("Signals")))
        {
            Assert.Contains("analyzers/dotnet/cs/Signals.Generators.dll", package.Files);
            Assert.Contains("lib/net10.0/Signals.Runtime.dll", package.Files);
            Assert.DoesNotContain(package.Files, static f => f.Contains("Signals.Client", StringComparison.Ordinal));
        }

        // The client package: no analyzers of its own; it depends on Signals and Microsoft.Extensions.Http.
        using (var client = new NuGetPackage(packages.PathOf("Signals.Client")))
        {
            Assert.Contains("lib/net10.0/Signals.Client.dll", client.Files);
            Assert.DoesNotContain(client.Files, static f => f.StartsWith("analyzers/", StringComparison.Ordinal));
            Assert.Contains("Signals", client.Dependencies);
            Assert.Contains("Microsoft.Extensions.Http", client.Dependencies);
        }

        // The provider-neutral package brings neither Npgsql, SQLite nor StackExchange.Redis; the provider packages bring theirs.
        using (var core = new NuGetPackage(packages.PathOf("Signals.EntityFrameworkCore")))
        {
            Assert.Contains("Signals", core.Dependencies);
            Assert.DoesNotContain(core.Dependencies, static id => id.StartsWith("Npgsql", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain("Microsoft.EntityFrameworkCore.Sqlite", core.Dependencies);
            Assert.DoesNotContain("StackExchange.Redis", core.Dependencies);
        }

        using (var postgres = new NuGetPackage(packages.PathOf("Signals.EntityFrameworkCore.PostgreSql")))
        {
            Assert.Contains("Npgsql.EntityFrameworkCore.PostgreSQL", postgres.Dependencies);
            Assert.Contains("Signals.EntityFrameworkCore", postgres.Dependencies);
        }

        using (var sqlite = new NuGetPackage(packages.PathOf("Signals.EntityFrameworkCore.Sqlite")))
        {
            Assert.Contains("Microsoft.EntityFrameworkCore.Sqlite", sqlite.Dependencies);
            Assert.Contains("Signals.EntityFrameworkCore", sqlite.Dependencies);
            Assert.DoesNotContain(sqlite.Dependencies, static id => id.StartsWith("Npgsql", StringComparison.OrdinalIgnoreCase));
        }

        using (var redis = new NuGetPackage(packages.PathOf("Signals.Redis")))
        {
            Assert.Contains("StackExchange.Redis", redis.Dependencies);
            Assert.DoesNotContain(redis.Dependencies, static id => id.StartsWith("Npgsql", StringComparison.OrdinalIgnoreCase));
        }

        // Outside the repository, so neither its Directory.Build.props nor its central package versions apply; a private packages
        // folder, so the package comes from the feed (the machine's cache serves the dependencies).
        string work = packages.WorkDirectory;
        string userPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        await File.WriteAllTextAsync(Path.Combine(work, "Directory.Build.props"), "<Project />\n", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(work, "Directory.Packages.props"), "<Project />\n", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(work, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(work, "packages")}" />
              </config>
              <packageSources>
                <add key="signals-local" value="{packages.Feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine" value="{userPackages}" />
              </fallbackPackageFolders>
            </configuration>
            """, cancellationToken);
        string keys = await RunAppAsync(work, "KeysProbe", ["Signals", "Signals.EntityFrameworkCore.PostgreSql", "Signals.Redis"], KeysProgram, cancellationToken);
        Assert.Equal(
            [
                "pkg:message",
                "pkg:room:a%3Ab",
                "pkg:theme",
                "dark",
                "pkg:message Signal PackageProbe.Message",
                "pkg:room:{RoomId} Family PackageProbe.Message",
                "pkg:theme Value PackageProbe.Theme",
                "xid8",
                "127.0.0.1:1",
                "True",
            ],
            Lines(keys));

        string accessors = await RunAppAsync(work, "ClientProbe", ["Signals", "Signals.Client"], ClientProgram, cancellationToken);
        Assert.Equal(["Signals.Client.SignalsClient", "pkg:message", "pkg:room:a%3Ab", "pkg:theme"], Lines(accessors));
    }

    [Fact]
    public void Packing_gives_no_warnings_and_one_package_with_symbols_per_project_with_a_readme()
    {
        // The convention (Directory.Build.props): every packable project under src/ has a README.md, or packing it fails.
        string[] projectsWithReadme = [.. Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "src"), "README.md", SearchOption.AllDirectories)
            .Where(static path => Directory.GetFiles(Path.GetDirectoryName(path)!, "*.csproj").Length == 1)];

        Assert.DoesNotMatch(@"(?i)\bwarning\b", packages.PackOutput);
        Assert.NotEmpty(projectsWithReadme);
        Assert.Equal(projectsWithReadme.Length, Directory.GetFiles(packages.Feed, "*.nupkg").Length);
        Assert.Equal(projectsWithReadme.Length, Directory.GetFiles(packages.Feed, "*.snupkg").Length);
    }

    [Fact]
    public void Every_package_carries_readme_licence_repository_sourcelink_symbols_and_a_deterministic_build()
    {
        string[] nupkgs = Directory.GetFiles(packages.Feed, "*.nupkg");
        Assert.NotEmpty(nupkgs);
        foreach (string path in nupkgs)
        {
            using var package = new NuGetPackage(path);
            string id = package.Metadata("id")!;

            // The readme NuGet shows: the project's own README.md.
            Assert.Equal("README.md", package.Metadata("readme"));
            Assert.StartsWith("# ", package.ReadText("README.md"), StringComparison.Ordinal);

            // A licence expression, not a file or a URL.
            Assert.Equal("expression", package.Metadata("license", "type"));
            Assert.Equal("MIT", package.Metadata("license"));

            // The repository, with the commit the package was built from.
            string repository = package.Metadata("repository", "url")!;
            Assert.Matches(@"^https://github\.com/[^/]+/[^/]+$", repository);
            Assert.Equal("git", package.Metadata("repository", "type"));
            Assert.Equal(repository, package.Metadata("projectUrl"));
            string commit = package.Metadata("repository", "commit")!;
            Assert.Matches("^[0-9a-f]{40}$", commit);

            // Every assembly is built deterministically; each library's PDB is in the symbol package, matches it, and maps the
            // sources to the repository at that commit (SourceLink).
            string[] assemblies = [.. package.Files.Where(static f => f.EndsWith(".dll", StringComparison.Ordinal))];
            Assert.NotEmpty(assemblies);
            using var symbols = new NuGetPackage(packages.PathOf(id, "snupkg"));
            foreach (string assembly in assemblies)
            {
                (bool reproducible, Guid pdbId) = package.ReadDebugDirectory(assembly);
                Assert.True(reproducible, $"{id}: {assembly} is not marked as a deterministic (reproducible) build.");
                if (!assembly.StartsWith("lib/", StringComparison.Ordinal))
                {
                    continue;
                }

                (Guid symbolsId, string? sourceLink) = symbols.ReadPdb(Path.ChangeExtension(assembly, ".pdb"));
                Assert.Equal(pdbId, symbolsId);
                Assert.NotNull(sourceLink);
                string rawContent = repository.Replace("https://github.com/", "https://raw.githubusercontent.com/", StringComparison.Ordinal);
                Assert.Contains(
                    JsonDocument.Parse(sourceLink).RootElement.GetProperty("documents").EnumerateObject(),
                    document => document.Value.GetString() == $"{rawContent}/{commit}/*");
            }
        }
    }

    private static string[] Lines(string output) => output.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

    /// <summary>Builds and runs a fresh app outside the repository that references <paramref name="references"/> from the feed.</summary>
    private async Task<string> RunAppAsync(string work, string name, string[] references, string program, CancellationToken cancellationToken)
    {
        string app = Path.Combine(work, name);
        Directory.CreateDirectory(app);
        string items = string.Join("\n", references.Select(p => $"""    <PackageReference Include="{p}" Version="{packages.Version}" />"""));
        await File.WriteAllTextAsync(Path.Combine(app, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
            {items}
              </ItemGroup>
            </Project>
            """, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(app, "Declarations.cs"), Declarations, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), program, cancellationToken);
        return await Dotnet.RunAsync(app, cancellationToken, "run", "-c", PackedFeed.Configuration);
    }
}
