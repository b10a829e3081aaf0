using System.Text.Json;
using System.Text.Json.Serialization;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// What the capture triggers of one table do: which keys a row gives (each a list of <see cref="CapturePart"/>s; a key with a
/// <see langword="null"/> column value is skipped, as the generated code skips a <see langword="null"/> nullable placeholder) and where
/// they go. Stored as JSON in the entity type's <see cref="CaptureAnnotations.Capture"/> annotation (and so in migrations snapshots), in
/// the PostgreSQL trigger function's comment and in the SQLite triggers' text, so that a database's triggers can be compared with a model.
/// </summary>
/// <param name="Entity">The entity type's display name, for messages.</param>
/// <param name="Table">The captured table.</param>
/// <param name="Schema">The captured table's schema, or <see langword="null"/> for the default one.</param>
/// <param name="Keys">The keys each row gives: its fixed <c>[Signal]</c> key and one key per family, in catalog order.</param>
/// <param name="Outbox">The outbox table the triggers insert into.</param>
/// <param name="OutboxSchema">The outbox table's schema, or <see langword="null"/>.</param>
/// <param name="OutboxKey">The outbox's key column.</param>
/// <param name="OutboxCreatedAt">The outbox's <c>created_at</c> column.</param>
/// <param name="OutboxTransactionId">
/// The outbox's transaction id column where the provider maps one (PostgreSQL's <c>xid</c>), with which a trigger skips a key its
/// transaction has already bumped; otherwise <see langword="null"/>.
/// </param>
/// <param name="OutboxId">
/// The outbox's id column where the provider maps a transaction id too (PostgreSQL: from revision 2 its triggers look for a key bumped earlier in
/// the transaction by key and id), otherwise <see langword="null"/>.
/// </param>
/// <param name="Revision">
/// The provider's trigger layout (<see cref="CaptureDialect.Revision"/>), or <see langword="null"/> for its first. Part of the description,
/// so a model built by a Signals version whose triggers differ has pending changes, and its migration drops and recreates the triggers.
/// </param>
/// <param name="Publication">
/// The publication that captures the table by <see cref="SignalCaptureMechanism.LogicalReplication"/> (<see cref="CaptureDialect.PublicationFor"/>),
/// or <see langword="null"/> for triggers. Part of the description, so switching mechanisms gives the model pending changes, whose
/// migration drops one and installs the other.
/// </param>
internal sealed record CapturedTable(
    string Entity,
    string Table,
    string? Schema,
    IReadOnlyList<IReadOnlyList<CapturePart>> Keys,
    string Outbox,
    string? OutboxSchema,
    string OutboxKey,
    string OutboxCreatedAt,
    string? OutboxTransactionId,
    string? OutboxId = null,
    int? Revision = null,
    string? Publication = null)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter<CaptureFormat>() },
    };

    /// <summary>Gets the columns the triggers read, in key order, without repeats.</summary>
    public IEnumerable<CapturePart> Columns => Keys.SelectMany(static k => k).Where(static p => p.Column is not null).DistinctBy(static p => p.Column);

    /// <summary>Reads a description written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON.</param>
    /// <returns>The description, or <see langword="null"/> when <paramref name="json"/> is not one.</returns>
    public static CapturedTable? FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<CapturedTable>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes the description as compact JSON.</summary>
    /// <returns>The JSON.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <inheritdoc/>
    public bool Equals(CapturedTable? other) => other is not null && ToJson() == other.ToJson();

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Table, Schema);
}
