namespace Signals.EntityFrameworkCore.Tests.Model.Computed;

/// <summary>An order: an input of <see cref="TenantDashboard"/> through <c>orders:tenant:{TenantId}</c>.</summary>
[SignalNamespace("orders")]
[SignalFamily("tenant:{TenantId}")]
public sealed partial class Order
{
    /// <summary>Gets or sets the id.</summary>
    public int Id { get; set; }

    /// <summary>Gets or sets the tenant.</summary>
    public int TenantId { get; set; }

    /// <summary>Gets or sets the total.</summary>
    public int Total { get; set; }
}
