using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Signals.Generators.Analyzers;

namespace Signals.Generators.Tests.Analyzers;

/// <summary>
/// SIG0015 with the analyzer harness, against the real EF Core assemblies: a bulk write (<c>ExecuteDelete</c>, <c>ExecuteUpdateAsync</c>, …)
/// of an entity that declares signals warns unless the compilation opts it into capture (<c>HasSignalCapture()</c> on the
/// <c>ModelBuilder</c> or on its <c>EntityTypeBuilder&lt;T&gt;</c>, stubbed here as the capture package declares them); other entities never warn.
/// </summary>
public sealed class BulkWriteAnalyzerTests
{
    /// <summary>The model: two entities with signals (one through the generator's ISignalSource, one through [Signal]), one without.</summary>
    private const string Model = """
        using System.Linq;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Metadata.Builders;
        using Signals;
        namespace App;

        [SignalFamily("room:{RoomId}")]
        public partial class Message { public int Id { get; set; } public string RoomId { get; set; } = ""; }

        [Signal]
        public partial class Room { public string Id { get; set; } = ""; }

        public class Note { public int Id { get; set; } }

        """;

    /// <summary>The capture package's opt-in, as it declares it (a file of its own here; the analyzer matches it by name and receiver).</summary>
    private const string CaptureStub = """
        using Microsoft.EntityFrameworkCore.Metadata.Builders;

        namespace Microsoft.EntityFrameworkCore;

        public static class SignalsCaptureExtensions
        {
            public static ModelBuilder HasSignalCapture(this ModelBuilder modelBuilder) => modelBuilder;

            public static EntityTypeBuilder<TEntity> HasSignalCapture<TEntity>(this EntityTypeBuilder<TEntity> entity)
                where TEntity : class => entity;
        }
        """;

    /// <summary>A context whose model is built by <paramref name="onModelCreating"/>, with four bulk writes of signal entities (markup 0-3 where <paramref name="warned"/>) and two of another.</summary>
    private static string Writes(string onModelCreating, params int[] warned)
    {
        string Call(int location, string method) => warned.Contains(location) ? $"{{|#{location}:{method}|}}" : method;
        return $$"""
            public class ChatContext : DbContext
            {
                public DbSet<Message> Messages => Set<Message>();
                public DbSet<Room> Rooms => Set<Room>();
                public DbSet<Note> Notes => Set<Note>();

                protected override void OnModelCreating(ModelBuilder modelBuilder)
                {
                    {{onModelCreating}}
                }

                public async Task CleanUpAsync()
                {
                    Messages.Where(m => m.RoomId == "old").{{Call(0, "ExecuteDelete")}}();
                    await Messages.{{Call(1, "ExecuteUpdateAsync")}}(s => s.SetProperty(m => m.RoomId, "general"));
                    await Rooms.{{Call(2, "ExecuteDeleteAsync")}}();
                    Rooms.{{Call(3, "ExecuteUpdate")}}(s => s.SetProperty(r => r.Id, r => r.Id + "-old"));
                    Notes.ExecuteDelete();
                    await Notes.ExecuteUpdateAsync(s => s.SetProperty(n => n.Id, 0));
                }
            }
            """;
    }

    [Fact]
    public Task Bulk_writes_of_signal_entities_warn_and_name_the_entity_and_the_fixes()
        => VerifyAsync(
            Model + Writes("", 0, 1, 2, 3),
            Warning(0, "ExecuteDelete", "App.Message"),
            Warning(1, "ExecuteUpdateAsync", "App.Message"),
            Warning(2, "ExecuteDeleteAsync", "App.Room"),
            Warning(3, "ExecuteUpdate", "App.Room"));

    [Fact]
    public Task Capture_on_the_model_builder_opts_in_every_entity()
        => VerifyAsync(Model + Writes("modelBuilder.HasSignalCapture();"));

    [Fact]
    public Task Capture_on_an_entity_type_builder_opts_in_that_entity_only()
        => VerifyAsync(
            Model + Writes("modelBuilder.Entity<Message>(message => message.HasSignalCapture());", 2, 3),
            Warning(2, "ExecuteDeleteAsync", "App.Room"),
            Warning(3, "ExecuteUpdate", "App.Room"));

    [Fact]
    public Task Capture_on_an_entity_type_builder_in_a_chain_counts_too()
        => VerifyAsync(
            Model + Writes("modelBuilder.Entity<Room>().HasSignalCapture();", 0, 1),
            Warning(0, "ExecuteDelete", "App.Message"),
            Warning(1, "ExecuteUpdateAsync", "App.Message"));

    [Fact]
    public Task A_bulk_write_whose_method_names_its_keys_with_InvalidateSignalsAsync_does_not_warn()
        => VerifyAsync(
            Model + """
                public static class Invalidation
                {
                    public static Task InvalidateSignalsAsync(this DbContext context, SignalKey[] keys) => Task.CompletedTask;
                }

                public class ChatContext : DbContext
                {
                    public DbSet<Message> Messages => Set<Message>();

                    public async Task ClearAsync()
                    {
                        await Messages.Where(m => m.RoomId == "general").ExecuteDeleteAsync();
                        await this.InvalidateSignalsAsync([SignalKey.Parse("room:general")]);
                    }

                    public Task ClearOtherAsync() => Messages.{|#0:ExecuteDeleteAsync|}();
                }
                """,
            Warning(0, "ExecuteDeleteAsync", "App.Message"));

    private static DiagnosticResult Warning(int location, string method, string entity)
        => new DiagnosticResult("SIG0015", DiagnosticSeverity.Warning).WithLocation(location).WithMessage(
            $"'{method}' on '{entity}' bypasses the change tracker, so it bumps no signal of '{entity}' and clients stay stale: call InvalidateSignalsAsync with the affected keys in the same transaction, or turn on capture for '{entity}' (HasSignalCapture(), see docs/capture.md)");

    private static Task VerifyAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new SignalsAnalyzerTest<BulkWriteAnalyzer>(source);
        test.TestState.Sources.Add(("SignalsCaptureExtensions.cs", CaptureStub));
        test.TestState.AdditionalReferences.AddRange(EntityFrameworkReferences.Value);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>EF Core and its relational layer as the test host loaded them, with the Microsoft.Extensions assemblies their signatures use.</summary>
    private static readonly Lazy<MetadataReference[]> EntityFrameworkReferences = new(static () =>
    [
        .. Directory.GetFiles(AppContext.BaseDirectory, "Microsoft.EntityFrameworkCore*.dll")
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "Microsoft.Extensions.*.dll"))
            .Order(StringComparer.Ordinal)
            .Select(path => MetadataReference.CreateFromFile(path)),
    ]);
}
