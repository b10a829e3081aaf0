using Microsoft.CodeAnalysis.Testing;
using static Signals.Generators.Tests.Analyzers.SignalDeclarationAnalyzerTest;

namespace Signals.Generators.Tests.Analyzers;

/// <summary>The diagnostics of computed signals (<c>[SignalComputed]</c>): SIG0016 to SIG0019, with their locations and full messages.</summary>
public class ComputedSignalAnalyzerTests
{
    private const string Header = """
        using Signals;
        namespace App;
        [SignalNamespace("orders")]
        [SignalFamily("tenant:{TenantId}:{Status}")]
        public partial class Order { public int TenantId { get; set; } public string Status { get; set; } = ""; }
        [SignalNamespace("invoices")]
        [SignalFamily("tenant:{TenantId}")]
        public partial class Invoice { public int TenantId { get; set; } }

        """;

    [Fact]
    public Task A_valid_declaration_has_no_diagnostic()
        => VerifyAsync(
            """
            [SignalComputed("dashboard:tenant:{TenantId}", "orders:tenant:{TenantId}:{Status}", "invoices:tenant:{TenantId}")]
            public partial class TenantDashboard { }
            [SignalComputed("dashboard:overview", "dashboard:tenant:{TenantId}")]
            public partial class Overview { }
            """);

    [Fact]
    public Task SIG0016_an_input_no_declaration_gives()
        => VerifyAsync(
            """
            [{|#0:SignalComputed("dashboard:tenant:{TenantId}", "orders:tenant:{TenantId}:{Status}", "payments:tenant:{TenantId}")|}]
            public partial class TenantDashboard { }
            """,
            Diagnostic("SIG0016", 0, "The computed signal 'dashboard:tenant:{TenantId}' declared by 'App.TenantDashboard' has an unknown input: 'payments:tenant:{TenantId}' is no key or template declared in this assembly; name a declared signal in full, with its namespace and placeholder names"));

    [Fact]
    public Task SIG0016_an_input_with_other_placeholder_names_points_at_the_declared_one()
        => VerifyAsync(
            """
            [{|#0:SignalComputed("dashboard:tenant:{Id}", "invoices:tenant:{Id}")|}]
            public partial class TenantDashboard { }
            """,
            Diagnostic("SIG0016", 0, "The computed signal 'dashboard:tenant:{Id}' declared by 'App.TenantDashboard' has an unknown input: 'invoices:tenant:{Id}' is no key or template declared in this assembly (did you mean 'invoices:tenant:{TenantId}', declared by 'App.Invoice'? Placeholder names must match); name a declared signal in full, with its namespace and placeholder names"));

    [Fact]
    public Task SIG0016_no_input()
        => VerifyAsync(
            """
            [{|#0:SignalComputed("dashboard:all")|}]
            public partial class Dashboard { }
            """,
            Diagnostic("SIG0016", 0, "The computed signal 'dashboard:all' declared by 'App.Dashboard' has an unknown input: it names no input; pass the patterns of the signals it derives from after its key"));

    [Fact]
    public Task SIG0017_a_placeholder_an_input_cannot_supply_points_at_the_placeholder()
        => VerifyAsync(
            """
            [SignalComputed("dashboard:tenant:{TenantId}:{|#0:{Status}|}", "orders:tenant:{TenantId}:{Status}", "invoices:tenant:{TenantId}")]
            public partial class TenantDashboard { }
            """,
            Diagnostic("SIG0017", 0, "The computed signal 'dashboard:tenant:{TenantId}:{Status}' declared by 'App.TenantDashboard' has the placeholder '{Status}', which its input 'invoices:tenant:{TenantId}' cannot supply: every placeholder of a computed key must be a placeholder of each input, with the same name; remove it from the key or add it to the input"));

    [Fact]
    public Task SIG0018_a_cycle_is_reported_on_each_of_its_signals()
        => VerifyAsync(
            """
            [{|#0:SignalComputed("a:tenant:{TenantId}", "invoices:tenant:{TenantId}", "b:tenant:{TenantId}")|}]
            public partial class A { }
            [{|#1:SignalComputed("b:tenant:{TenantId}", "a:tenant:{TenantId}")|}]
            public partial class B { }
            [{|#2:SignalComputed("c:self", "c:self")|}]
            public partial class C { }
            """,
            Diagnostic("SIG0018", 0, "The computed signal 'a:tenant:{TenantId}' declared by 'App.A' depends on itself: 'a:tenant:{TenantId}' → 'b:tenant:{TenantId}' → 'a:tenant:{TenantId}'; remove an input of the cycle"),
            Diagnostic("SIG0018", 1, "The computed signal 'b:tenant:{TenantId}' declared by 'App.B' depends on itself: 'b:tenant:{TenantId}' → 'a:tenant:{TenantId}' → 'b:tenant:{TenantId}'; remove an input of the cycle"),
            Diagnostic("SIG0018", 2, "The computed signal 'c:self' declared by 'App.C' depends on itself: 'c:self' → 'c:self'; remove an input of the cycle"));

    [Fact]
    public Task SIG0019_computed_together_with_another_signal_attribute()
        => VerifyAsync(
            """
            [Signal("dashboard:any")]
            [{|#0:SignalComputed("dashboard:all", "invoices:tenant:{TenantId}")|}]
            public partial class Dashboard { }
            """,
            Diagnostic("SIG0019", 0, "'App.Dashboard' has [SignalComputed] and another signal attribute: a computed signal moves with its inputs, not with the type's instances, so declare it on a type of its own"));

    [Fact]
    public Task SIG0004_an_invalid_computed_key()
        => VerifyAsync(
            """
            [SignalComputed("{|#0:dash board|}:{TenantId}", "invoices:tenant:{TenantId}")]
            public partial class Dashboard { }
            """,
            Diagnostic("SIG0004", 0, "Invalid segment 'dash board' in the key 'dash board:{TenantId}': a literal segment may contain only A-Z, a-z, 0-9, '_', '.' and '-'"));

    private static Task VerifyAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new SignalDeclarationAnalyzerTest(Header + source);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(TestContext.Current.CancellationToken);
    }
}
