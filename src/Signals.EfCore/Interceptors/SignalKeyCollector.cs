using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Stages the keys of a save from the change tracker: for every Added, Modified or Deleted entry whose entity implements
/// <see cref="ISignalSource"/>, the keys of its current values (Added, Modified) and original values (Modified, Deleted), deduped;
/// an entry whose keys read a value that is still temporary (a database-generated key before the insert) is deferred.
/// </summary>
internal static class SignalKeyCollector
{
    /// <summary>Collects the keys of the context's pending changes into <see cref="OutboxSave.Keys"/> and <see cref="OutboxSave.Deferred"/>.</summary>
    /// <param name="context">The saving context.</param>
    /// <param name="save">The save, cleared.</param>
    /// <exception cref="InvalidOperationException">An entity produced <c>default(SignalKey)</c>.</exception>
    public static void Collect(DbContext context, OutboxSave save)
    {
        // Entries() runs DetectChanges first when AutoDetectChangesEnabled is on: SavingChanges runs before EF's own detection.
        foreach (EntityEntry entry in context.ChangeTracker.Entries())
        {
            if (entry.Entity is not ISignalSource source)
            {
                continue;
            }

            // A captured table's keys come from its capture: staging them too would bump each key twice. Triggers write them in this
            // transaction (the dispatchers are woken after the commit); logical replication's reader after it, and wakes them itself.
            if (CapturedTables.IsCaptured(entry.Metadata))
            {
                save.Captured |= (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted) && CapturedTables.IsCapturedByTriggers(entry.Metadata);
                continue;
            }

            switch (entry.State)
            {
                case EntityState.Added:
                    AddKeys(entry, source, original: false, save);
                    break;
                case EntityState.Modified:
                    // Keys of the original values differ only if the current ones read a modified property.
                    if (AddKeys(entry, source, original: false, save))
                    {
                        AddKeys(entry, source, original: true, save);
                    }

                    break;
                case EntityState.Deleted:
                    AddKeys(entry, source, original: true, save);
                    break;
                default:
                    break;
            }
        }

        // The computed signals the keys move commit with them, once per save (the set dedupes them across inputs).
        SignalCatalog.Registered.AddComputedKeys(save.Keys);
    }

    /// <summary>Adds the keys of the deferred entries, whose generated values are real now that the data was saved.</summary>
    /// <param name="save">The save.</param>
    /// <exception cref="InvalidOperationException">A value is still temporary, or an entity produced <c>default(SignalKey)</c>.</exception>
    public static void CollectDeferred(OutboxSave save)
    {
        foreach ((EntityEntry entry, ISignalSource source) in save.Deferred)
        {
            EntryValueReader reader = save.Reader;
            reader.Reset(entry, original: false);
            save.Scratch.Clear();
            source.AddSignalKeys(reader, save.Scratch);
            if (reader.HitTemporary)
            {
                throw new InvalidOperationException(
                    $"A signal key of '{entry.Metadata.DisplayName()}' reads a value that is still temporary after the entity was inserted.");
            }

            foreach (SignalKey key in save.Scratch)
            {
                save.Keys.Add(Validate(key, entry));
            }
        }

        SignalCatalog.Registered.AddComputedKeys(save.Keys);
    }

    /// <summary>Adds the keys of one state of an entry (or defers the entry).</summary>
    /// <returns>
    /// Whether the keys of the original values may differ: the current ones read a modified property, or a temporary value (which
    /// may have stopped the reads before a modified one).
    /// </returns>
    private static bool AddKeys(EntityEntry entry, ISignalSource source, bool original, OutboxSave save)
    {
        EntryValueReader reader = save.Reader;
        reader.Reset(entry, original);
        save.Scratch.Clear();
        try
        {
            source.AddSignalKeys(reader, save.Scratch);
        }
        catch (Exception) when (reader.HitTemporary)
        {
            // A key was being formatted from a placeholder value; it is computed again once the value is real.
        }

        if (reader.HitTemporary)
        {
            // Each entry's current values are read once per save, so an entry is deferred at most once.
            if (!original)
            {
                save.Deferred.Add((entry, source));
            }

            return true;
        }

        foreach (SignalKey key in save.Scratch)
        {
            save.Keys.Add(Validate(key, entry));
        }

        return reader.ReadModified;
    }

    private static SignalKey Validate(SignalKey key, EntityEntry entry)
        => key.IsDefault
            ? throw new InvalidOperationException($"'{entry.Metadata.DisplayName()}' produced default(SignalKey) from ISignalSource.AddSignalKeys.")
            : key;
}
