namespace Signals;

/// <summary>
/// Declares a computed (derived) signal: a key whose version moves whenever a key of one of its inputs moves, such as a dashboard key per
/// tenant over the tenant's orders and invoices.
/// </summary>
/// <remarks>
/// <para>Wherever Signals stages a key (the EF Core interceptor, <c>InvalidateSignalsAsync</c>, <see cref="ISignalStore"/>, value
/// writes, producers), it also stages the computed keys of its inputs, in the same transaction: a save that changes two inputs of one
/// computed key moves it once, and so does a transaction of several writes (on PostgreSQL for every writer, capture triggers included;
/// on SQLite for the writes EF Core makes in one EF Core transaction, while its capture triggers move it once per row). A later write
/// skips it only when the transaction's row of it is still in the database, so a rollback never loses a move. The computed key is then
/// a key like any other, with its own outbox row and version, so sync, events, resume and the catalog treat it as such.</para>
/// <para>Each input is the full pattern of a signal declared in the same assembly (with its namespace: <c>orders:tenant:{TenantId}</c>),
/// possibly another computed signal. Every placeholder of the computed key must be a placeholder of every input, by name: a key of an
/// input then gives the computed key by copying those arguments (<c>orders:tenant:7</c> → <c>dashboard:tenant:7</c>). The generator
/// checks it, and that the inputs are declared and form no cycle.</para>
/// <para>The type must be a non-generic <see langword="partial"/> class, record or struct that declares no other signal. The generator
/// emits <c>Keys.All</c> for a fixed key, or a factory named after the key's literal segments taking one <see cref="string"/> per
/// placeholder (<c>Keys.Tenant(tenantId)</c>, the argument as the inputs' keys spell it), a catalog entry
/// (<see cref="SignalKind.Computed"/>, with <see cref="SignalDescriptor.Inputs"/>) and, with Signals.Client, typed client accessors.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class SignalComputedAttribute : Attribute
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="key">
    /// The computed key or template, e.g. <c>tenant:{TenantId}</c>, prefixed with the <see cref="SignalNamespaceAttribute"/> namespace when
    /// one applies.
    /// </param>
    /// <param name="inputs">The full patterns of the input signals, e.g. <c>orders:tenant:{TenantId}</c>; at least one.</param>
    public SignalComputedAttribute(string key, params string[] inputs)
    {
        Key = key;
        Inputs = inputs;
    }

    /// <summary>Gets the computed key or template.</summary>
    public string Key { get; }

    /// <summary>Gets the full patterns of the input signals.</summary>
    public IReadOnlyList<string> Inputs { get; }
}
