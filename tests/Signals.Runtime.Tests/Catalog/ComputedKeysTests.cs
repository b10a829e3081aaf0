namespace Signals.Runtime.Tests.Catalog;

/// <summary><see cref="SignalCatalog.AddComputedKeys"/>: which computed keys a set of keys moves, and with which arguments.</summary>
public class ComputedKeysTests
{
    private static readonly SignalCatalog Shop = new(
    [
        new SignalDescriptor("orders:tenant:{TenantId}:{Status}", "Shop.Order", SignalKind.Family),
        new SignalDescriptor("invoices:tenant:{TenantId}", "Shop.Invoice", SignalKind.Family),
        new SignalDescriptor("invoices:all", "Shop.Invoice", SignalKind.Signal),
        Computed("dashboard:tenant:{TenantId}", "orders:tenant:{TenantId}:{Status}", "invoices:tenant:{TenantId}"),
        Computed("dashboard:overview", "dashboard:tenant:{TenantId}", "invoices:all"),
        Computed("status:{Status}:tenant:{TenantId}", "orders:tenant:{TenantId}:{Status}"),
    ]);

    [Fact]
    public void Two_inputs_of_one_tenant_add_its_dashboard_once_and_the_overview_over_it()
    {
        HashSet<SignalKey> keys = Keys("orders:tenant:7:open", "invoices:tenant:7", "orders:tenant:7:paid");

        Assert.Equal(4, Shop.AddComputedKeys(keys));

        Assert.Equal(
            ["dashboard:overview", "dashboard:tenant:7", "invoices:tenant:7", "orders:tenant:7:open", "orders:tenant:7:paid", "status:open:tenant:7", "status:paid:tenant:7"],
            keys.Select(k => k.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Arguments_are_copied_as_the_input_key_escapes_them_and_reordered_by_placeholder_name()
    {
        SignalKey order = SignalKey.Create("orders:tenant", "a:b%c", "on hold");
        HashSet<SignalKey> keys = [order];

        Shop.AddComputedKeys(keys);

        Assert.Contains(SignalKey.Create("dashboard:tenant", "a:b%c"), keys);
        Assert.Contains(SignalKey.Create("status", "on hold").Append("tenant", "a:b%c"), keys);
    }

    [Fact]
    public void Keys_no_computed_signal_reads_are_left_alone()
    {
        HashSet<SignalKey> keys = Keys("orders:tenant:7", "chat:room:general", "invoices");

        Assert.Equal(0, Shop.AddComputedKeys(keys));
        Assert.Equal(3, keys.Count);
        Assert.Equal(0, new SignalCatalog([new SignalDescriptor("invoices:tenant:{TenantId}", "Shop.Invoice", SignalKind.Family)]).AddComputedKeys(Keys("invoices:tenant:7")));
    }

    [Fact]
    public void A_cycle_ends_once_each_key_is_in_the_set()
    {
        var cyclic = new SignalCatalog([Computed("a:{Id}", "b:{Id}"), Computed("b:{Id}", "a:{Id}")]);
        HashSet<SignalKey> keys = Keys("a:1");

        Assert.Equal(1, cyclic.AddComputedKeys(keys));
        Assert.Equal(["a:1", "b:1"], keys.Select(k => k.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_computed_key_beyond_the_length_limit_is_refused()
    {
        var long_ = new SignalCatalog([Computed("x:" + new string('x', 300) + ":{Id}", "in:{Id}")]);
        HashSet<SignalKey> keys = [SignalKey.Create("in", new string('y', 300))];

        Assert.Throws<FormatException>(() => long_.AddComputedKeys(keys));
        Assert.Single(keys);
        Assert.Throws<ArgumentNullException>(() => Shop.AddComputedKeys(null!));
    }

    [Fact]
    public void Inputs_are_part_of_a_descriptors_equality_and_text()
    {
        SignalDescriptor dashboard = Computed("dashboard:all", "invoices:all");

        Assert.Equal(dashboard, Computed("dashboard:all", "invoices:all"));
        Assert.NotEqual(dashboard, Computed("dashboard:all", "orders:all"));
        Assert.Contains("Inputs = [invoices:all]", dashboard.ToString(), StringComparison.Ordinal);
    }

    private static SignalDescriptor Computed(string pattern, params string[] inputs) => new(pattern, "Shop.Dashboard", SignalKind.Computed) { Inputs = inputs };

    private static HashSet<SignalKey> Keys(params string[] keys) => [.. keys.Select(SignalKey.Parse)];
}
