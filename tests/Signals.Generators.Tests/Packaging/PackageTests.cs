using Signals.Testing;
using System.Diagnostics;
using System.IO.Compression;

namespace Signals.Generators.Tests.Packaging;

/// <summary>
/// The packages, packed from this repository's build, work in a fresh project outside the repository: <c>Signals</c> carries the
/// generator under <c>analyzers/dotnet/cs</c> (typed keys, value accessors, the catalog); <c>Signals.EntityFrameworkCore</c> depends on
/// neither Npgsql nor StackExchange.Redis, which come with <c>Signals.EntityFrameworkCore.PostgreSql</c> and <c>Signals.Redis</c>; and a
/// context registered the README's way gets the PostgreSQL model parts and the Redis options.
/// </summary>
public class PackageTests
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(4);

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private const string AppSource = """
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Options;
        using Signals;
        using Signals.EntityFrameworkCore;
        using Signals.EntityFrameworkCore.PostgreSql;
        using Signals.Redis;

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

    [Fact]
    public async Task A_fresh_project_referencing_the_packages_gets_generated_keys_and_the_providers()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        string repository = RepositoryPaths.Root;

        // Outside the repository, so neither its Directory.Build.props nor its central package versions apply; a version of its own
        // and a private packages folder, so no run ever restores a stale package (the machine's cache serves the dependencies).
        string work = Path.Combine(Path.GetTempPath(), "signals-package-" + Guid.NewGuid().ToString("N"));
        string feed = Path.Combine(work, "feed");
        string app = Path.Combine(work, "app");
        string version = "0.0.0-packagetest." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        Directory.CreateDirectory(app);
        try
        {
            // The test project references these projects, so they are built (Signals.Runtime with the generator it packs) in this configuration.
            foreach (string project in new[] { "Signals.Runtime", "Signals.EfCore", "Signals.EfCore.PostgreSql", "Signals.EfCore.Sqlite", "Signals.Redis" })
            {
                await DotnetAsync(repository, cancellationToken,
                    "pack", Path.Combine("src", project, project + ".csproj"), "--no-build", "-c", Configuration, "-o", feed, $"-p:PackageVersion={version}");
            }

            using (ZipArchive package = ZipFile.OpenRead(Path.Combine(feed, $"Signals.{version}.nupkg")))
            {
                Assert.Contains(package.Entries, e => e.FullName == "analyzers/dotnet/cs/Signals.Generators.dll");
                Assert.Contains(package.Entries, e => e.FullName == "lib/net10.0/Signals.Runtime.dll");
            }

            // The provider-neutral package brings neither Npgsql, SQLite nor StackExchange.Redis; the provider packages bring theirs.
            string core = await NuspecAsync(Path.Combine(feed, $"Signals.EntityFrameworkCore.{version}.nupkg"), cancellationToken);
            Assert.DoesNotContain("Npgsql", core, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("id=\"Microsoft.EntityFrameworkCore.Sqlite", core, StringComparison.Ordinal);
            Assert.DoesNotContain("StackExchange.Redis", core, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("id=\"Signals\"", core, StringComparison.Ordinal);
            string postgres = await NuspecAsync(Path.Combine(feed, $"Signals.EntityFrameworkCore.PostgreSql.{version}.nupkg"), cancellationToken);
            Assert.Contains("id=\"Npgsql.EntityFrameworkCore.PostgreSQL\"", postgres, StringComparison.Ordinal);
            Assert.Contains("id=\"Signals.EntityFrameworkCore\"", postgres, StringComparison.Ordinal);
            string sqlite = await NuspecAsync(Path.Combine(feed, $"Signals.EntityFrameworkCore.Sqlite.{version}.nupkg"), cancellationToken);
            Assert.Contains("id=\"Microsoft.EntityFrameworkCore.Sqlite\"", sqlite, StringComparison.Ordinal);
            Assert.Contains("id=\"Signals.EntityFrameworkCore\"", sqlite, StringComparison.Ordinal);
            Assert.DoesNotContain("Npgsql", sqlite, StringComparison.OrdinalIgnoreCase);
            string redis = await NuspecAsync(Path.Combine(feed, $"Signals.Redis.{version}.nupkg"), cancellationToken);
            Assert.Contains("id=\"StackExchange.Redis\"", redis, StringComparison.Ordinal);
            Assert.DoesNotContain("Npgsql", redis, StringComparison.OrdinalIgnoreCase);

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
                    <add key="signals-local" value="{feed}" />
                  </packageSources>
                  <fallbackPackageFolders>
                    <add key="machine" value="{userPackages}" />
                  </fallbackPackageFolders>
                </configuration>
                """, cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(app, "PackageProbe.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Signals" Version="{version}" />
                    <PackageReference Include="Signals.EntityFrameworkCore.PostgreSql" Version="{version}" />
                    <PackageReference Include="Signals.Redis" Version="{version}" />
                  </ItemGroup>
                </Project>
                """, cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), AppSource, cancellationToken);

            string output = await DotnetAsync(app, cancellationToken, "run", "-c", Configuration);

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
                output.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Reads the <c>.nuspec</c> of a package.</summary>
    private static async Task<string> NuspecAsync(string package, CancellationToken cancellationToken)
    {
        using ZipArchive archive = ZipFile.OpenRead(package);
        ZipArchiveEntry nuspec = Assert.Single(archive.Entries, e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var reader = new StreamReader(nuspec.Open());
        return await reader.ReadToEndAsync(cancellationToken);
    }

    /// <summary>Runs the SDK that runs these tests, without the MSBuild settings the test host inherited, and returns its standard output.</summary>
    private static async Task<string> DotnetAsync(string workingDirectory, CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo
        {
            FileName = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string variable in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            start.Environment.Remove(variable);
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        Task<string> stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"'dotnet {string.Join(' ', arguments)}' did not finish within {CommandTimeout}.");
        }

        string output = await stdout;
        Assert.True(process.ExitCode == 0, $"'dotnet {string.Join(' ', arguments)}' exited with {process.ExitCode}.\n{output}\n{await stderr}");
        return output;
    }
}
