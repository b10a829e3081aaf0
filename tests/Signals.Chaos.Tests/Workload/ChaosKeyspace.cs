using Signals.Chaos.Tests.Model;

namespace Signals.Chaos.Tests.Workload;

/// <summary>
/// Which keys exist in a run: <c>chaos:all</c> (every transaction), the items each writer owns, and one ghost item per writer
/// that only transactions which roll back ever touch — a subscriber that sees a ghost key saw a phantom. The raw-SQL writer (number
/// <see cref="ChaosProfile.Writers"/>) has keys of its own in the captured table's families: <c>chaos:raw</c>, its items and its ghost.
/// </summary>
/// <param name="profile">The run's profile.</param>
internal sealed class ChaosKeyspace(ChaosProfile profile)
{
    private const int GhostBase = 1_000_000;

    /// <summary>Gets the item id a writer's <paramref name="slot"/>-th item has.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="slot">0 to <see cref="ChaosProfile.ItemsPerWriter"/> − 1.</param>
    /// <returns>The item id.</returns>
    public int ItemId(int writer, int slot) => (writer * profile.ItemsPerWriter) + slot + 1;

    /// <summary>Gets the ghost item of a writer.</summary>
    /// <param name="writer">The writer.</param>
    /// <returns>The item id, written only by transactions that roll back.</returns>
    public static int GhostItemId(int writer) => GhostBase + writer;

    /// <summary>Gets every key of the run, in a stable order: the hot key, the items, the ghosts.</summary>
    public IReadOnlyList<string> All { get; } =
    [
        ChaosNote.Keys.All.Value,
        .. Enumerable.Range(0, profile.Writers * profile.ItemsPerWriter).Select(static i => ChaosNote.Keys.Item(i + 1).Value),
        .. Enumerable.Range(0, profile.Writers).Select(static w => ChaosNote.Keys.Item(GhostItemId(w)).Value),
        ChaosRawNote.Keys.All.Value,
        .. Enumerable.Range(0, profile.ItemsPerWriter).Select(s => ChaosRawNote.Keys.RawItem((profile.Writers * profile.ItemsPerWriter) + s + 1).Value),
        ChaosRawNote.Keys.RawItem(GhostItemId(profile.Writers)).Value,
    ];

    /// <summary>Gets the ghost keys.</summary>
    public IReadOnlySet<string> Ghosts { get; } = Enumerable.Range(0, profile.Writers).Select(static w => ChaosNote.Keys.Item(GhostItemId(w)).Value)
        .Append(ChaosRawNote.Keys.RawItem(GhostItemId(profile.Writers)).Value)
        .ToHashSet(StringComparer.Ordinal);
}
