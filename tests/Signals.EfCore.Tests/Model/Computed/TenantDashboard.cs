namespace Signals.EntityFrameworkCore.Tests.Model.Computed;

/// <summary>
/// The computed signal of the tests, <c>dashboard:tenant:{TenantId}</c>: moved by a tenant's orders, invoices and banner (a value
/// signal). <see cref="DashboardOverview"/> is computed over it.
/// </summary>
[SignalNamespace("dashboard")]
[SignalComputed("tenant:{TenantId}", "orders:tenant:{TenantId}", "invoices:tenant:{TenantId}", "banner:tenant:{TenantId}")]
public sealed partial class TenantDashboard;

/// <summary>A computed signal over a computed signal: <c>dashboard:overview</c> moves with every tenant's dashboard.</summary>
[SignalComputed("dashboard:overview", "dashboard:tenant:{TenantId}")]
public sealed partial class DashboardOverview;

/// <summary>A value signal that is an input of <see cref="TenantDashboard"/>: <c>banner:tenant:{TenantId}</c>.</summary>
/// <param name="Text">The banner's text.</param>
[SignalValue("banner:tenant:{TenantId}")]
public sealed partial record TenantBanner(string Text = "");
