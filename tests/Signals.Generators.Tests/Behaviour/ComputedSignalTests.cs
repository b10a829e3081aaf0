using System.Reflection;
using System.Runtime.CompilerServices;

namespace Signals.Generators.Tests.Behaviour;

/// <summary>
/// Generated code of computed signals, compiled and run: the catalog entry carries the inputs, and the keys the runtime expands an
/// entity's keys to (<see cref="SignalCatalog.AddComputedKeys"/>) are those the generated factories give.
/// </summary>
public class ComputedSignalTests
{
    private static readonly Lazy<Assembly> Probe = new(() =>
    {
        Assembly assembly = GeneratorHarness.CompileAndLoad("""
            using System.Collections.Generic;
            using Signals;
            namespace Cs;
            public readonly record struct TenantId(System.Guid Value);
            [SignalNamespace("cs-orders")]
            [SignalFamily("tenant:{Tenant}")]
            public partial class Order { public TenantId Tenant { get; set; } }
            [SignalNamespace("cs-dashboard")]
            [SignalComputed("tenant:{Tenant}", "cs-orders:tenant:{Tenant}")]
            public partial class Dashboard { }
            [SignalComputed("cs-dashboard:all", "cs-dashboard:tenant:{Tenant}")]
            public partial class AllDashboards { }
            public static class Probe
            {
                public static string[] Expand(System.Guid tenant)
                {
                    var keys = new HashSet<SignalKey> { Order.Keys.Tenant(new TenantId(tenant)) };
                    SignalCatalog.Registered.AddComputedKeys(keys);
                    return [.. System.Linq.Enumerable.Select(keys, k => k.Value)];
                }

                public static string[] Factories(System.Guid tenant)
                    => [Order.Keys.Tenant(new TenantId(tenant)).Value, Dashboard.Keys.Tenant(tenant.ToString()).Value, AllDashboards.Keys.All.Value];

                public static bool IsSource => typeof(ISignalSource).IsAssignableFrom(typeof(Dashboard));
            }
            """);
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle); // registers the catalog
        return assembly;
    });

    [Fact]
    public void The_catalog_entry_is_computed_with_its_inputs()
    {
        _ = Probe.Value;

        SignalDescriptor dashboard = SignalCatalog.Registered.Descriptors.Single(d => d.Pattern == "cs-dashboard:tenant:{Tenant}");
        Assert.Equal(SignalKind.Computed, dashboard.Kind);
        Assert.Equal(["cs-orders:tenant:{Tenant}"], dashboard.Inputs);
        Assert.Equal(["cs-dashboard:tenant:{Tenant}"], SignalCatalog.Registered.Descriptors.Single(d => d.Pattern == "cs-dashboard:all").Inputs);
        Assert.Null(SignalCatalog.Registered.Descriptors.Single(d => d.Pattern == "cs-orders:tenant:{Tenant}").Inputs);
    }

    [Fact]
    public void An_entity_key_expands_to_the_keys_the_generated_factories_give_and_the_computed_type_is_no_signal_source()
    {
        var tenant = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        Type probe = Probe.Value.GetType("Cs.Probe")!;

        var expanded = (string[])probe.GetMethod("Expand")!.Invoke(null, [tenant])!;
        var factories = (string[])probe.GetMethod("Factories")!.Invoke(null, [tenant])!;

        Assert.Equal(factories.Order(StringComparer.Ordinal), expanded.Order(StringComparer.Ordinal));
        Assert.False((bool)probe.GetProperty("IsSource")!.GetValue(null)!);
    }
}
