using Signals.Chaos.Tests.Model;

namespace Signals.Chaos.Tests.Workload;

/// <summary>
/// Which writers and keys exist in a run. Writers 0 to <see cref="ChaosProfile.Writers"/> − 1 save notes through a context
/// (<c>chaos:all</c>, their items <c>chaos:item:{id}</c>); writer <see cref="ChaosProfile.Writers"/> writes raw SQL into the table captured by
/// triggers (<c>chaos:raw</c>, <c>chaos:raw-item:{id}</c>). With logical replication (PostgreSQL), writer <see cref="ChaosProfile.Writers"/> − 1
/// writes raw SQL into the table captured by logical replication instead of saving notes (<c>chaos:replicated</c>,
/// <c>chaos:replicated-item:{id}</c>), so the run's writers and commits stay as many. Each writer owns its items and one ghost item that only
/// transactions which roll back ever touch — a subscriber that sees a ghost key saw a phantom. The replicated family also has a marker
/// item, written once after every other write (<see cref="Marker"/>).
/// </summary>
internal sealed class ChaosKeyspace
{
    /// <summary>The marker's item: no writer owns it, and it is no writer's ghost.</summary>
    public const int MarkerItemId = GhostBase - 1;

    private const int GhostBase = 1_000_000;

    private readonly ChaosProfile _profile;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="profile">The run's profile.</param>
    /// <param name="replication">Whether the database captures the replicated notes' table by logical replication.</param>
    public ChaosKeyspace(ChaosProfile profile, bool replication)
    {
        _profile = profile;
        ReplicationWriter = replication ? profile.Writers - 1 : null;
        Marker = replication ? ItemKey(ChaosWriterKind.Replication, MarkerItemId) : null;

        // Each key with the kind of writer that writes it (its family): the hot keys, each writer's items, the ghosts, the marker.
        (int Writer, ChaosWriterKind Kind)[] writers = [.. Enumerable.Range(0, WriterCount).Select(w => (w, KindOf(w)))];
        (string Key, ChaosWriterKind Kind)[] keys =
        [
            .. writers.Select(static w => w.Kind).Distinct().Select(static k => (HotKey(k), k)),
            .. writers.SelectMany(w => Enumerable.Range(0, profile.ItemsPerWriter).Select(s => (ItemKey(w.Kind, ItemId(w.Writer, s)), w.Kind))),
            .. writers.Select(static w => (ItemKey(w.Kind, GhostItemId(w.Writer)), w.Kind)),
            .. Marker is { } marker ? [(marker, ChaosWriterKind.Replication)] : Array.Empty<(string, ChaosWriterKind)>(),
        ];
        All = [.. keys.Select(static k => k.Key)];
        Ghosts = writers.Select(static w => ItemKey(w.Kind, GhostItemId(w.Writer))).ToHashSet(StringComparer.Ordinal);
        Replicated = keys.Where(static k => k.Kind == ChaosWriterKind.Replication).Select(static k => k.Key).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Gets how many writers the run has: the profile's plus the writer by triggers.</summary>
    public int WriterCount => _profile.Writers + 1;

    /// <summary>Gets the writer by logical replication, or <see langword="null"/> when the database does not capture by replication.</summary>
    public int? ReplicationWriter { get; }

    /// <summary>
    /// Gets the key of the marker transaction the replicated writer commits after every other write, or <see langword="null"/> without
    /// replication. Logical replication sends transactions in commit order, so once the marker's key is in the outbox, so are the keys of
    /// every commit before it.
    /// </summary>
    public string? Marker { get; }

    /// <summary>Gets every key of the run, in a stable order: the hot keys, each writer's items, the ghosts, the marker.</summary>
    public IReadOnlyList<string> All { get; }

    /// <summary>Gets the ghost keys, one per writer.</summary>
    public IReadOnlySet<string> Ghosts { get; }

    /// <summary>Gets the keys whose outbox rows logical replication writes: the replicated writer's hot key, items and ghost, and the marker.</summary>
    public IReadOnlySet<string> Replicated { get; }

    /// <summary>Gets how a writer writes.</summary>
    /// <param name="writer">The writer, 0 to <see cref="WriterCount"/> − 1.</param>
    /// <returns>Its kind.</returns>
    public ChaosWriterKind KindOf(int writer)
        => writer == _profile.Writers ? ChaosWriterKind.Triggers
            : writer == ReplicationWriter ? ChaosWriterKind.Replication
            : ChaosWriterKind.Context;

    /// <summary>Gets the item id a writer's <paramref name="slot"/>-th item has.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="slot">0 to <see cref="ChaosProfile.ItemsPerWriter"/> − 1.</param>
    /// <returns>The item id.</returns>
    public int ItemId(int writer, int slot) => (writer * _profile.ItemsPerWriter) + slot + 1;

    /// <summary>Gets the ghost item of a writer.</summary>
    /// <param name="writer">The writer.</param>
    /// <returns>The item id, written only by transactions that roll back.</returns>
    public static int GhostItemId(int writer) => GhostBase + writer;

    /// <summary>Gets the key every transaction of a kind of writer bumps.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns><c>chaos:all</c>, <c>chaos:raw</c> or <c>chaos:replicated</c>.</returns>
    public static string HotKey(ChaosWriterKind kind) => kind switch
    {
        ChaosWriterKind.Triggers => ChaosRawNote.Keys.All.Value,
        ChaosWriterKind.Replication => ChaosReplicatedNote.Keys.All.Value,
        _ => ChaosNote.Keys.All.Value,
    };

    /// <summary>Gets the key of an item, in the family of the table a kind of writer writes.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="itemId">The item.</param>
    /// <returns><c>chaos:item:{id}</c>, <c>chaos:raw-item:{id}</c> or <c>chaos:replicated-item:{id}</c>.</returns>
    public static string ItemKey(ChaosWriterKind kind, int itemId) => kind switch
    {
        ChaosWriterKind.Triggers => ChaosRawNote.Keys.RawItem(itemId).Value,
        ChaosWriterKind.Replication => ChaosReplicatedNote.Keys.ReplicatedItem(itemId).Value,
        _ => ChaosNote.Keys.Item(itemId).Value,
    };
}
