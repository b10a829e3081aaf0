namespace Signals.EntityFrameworkCore.Tests.Model.Computed;

/// <summary>An invoice: an input of <see cref="TenantDashboard"/> through <c>invoices:tenant:{TenantId}</c>.</summary>
[SignalNamespace("invoices")]
[SignalFamily("tenant:{TenantId}")]
public sealed partial class Invoice
{
    /// <summary>Gets or sets the id.</summary>
    public int Id { get; set; }

    /// <summary>Gets or sets the tenant.</summary>
    public int TenantId { get; set; }
}
