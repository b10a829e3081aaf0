using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Reads the current or original property values of one change-tracker entry for <see cref="ISignalSource.AddSignalKeys"/>.
/// </summary>
/// <remarks>
/// A value that is still temporary (a database-generated key before the insert) is not a real value: the reader records it in
/// <see cref="HitTemporary"/> and returns <see langword="default"/>, and the caller defers the entry's keys until the value is real.
/// One instance per save; not thread-safe (neither is the <see cref="Microsoft.EntityFrameworkCore.DbContext"/> it reads).
/// </remarks>
internal sealed class EntryValueReader : ISignalValueReader
{
    private EntityEntry? _entry;
    private bool _original;

    /// <summary>Gets a value indicating whether a read since the last <see cref="Reset"/> hit a temporary value.</summary>
    public bool HitTemporary { get; private set; }

    /// <summary>Gets a value indicating whether a read of current values since the last <see cref="Reset"/> hit a modified property.</summary>
    public bool ReadModified { get; private set; }

    /// <summary>Points the reader at one state of an entry.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="original"><see langword="true"/> to read original values; <see langword="false"/> for current values.</param>
    public void Reset(EntityEntry entry, bool original)
    {
        _entry = entry;
        _original = original;
        HitTemporary = false;
        ReadModified = false;
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The entity type has no property named <paramref name="propertyName"/> (raised by EF Core).</exception>
    public T GetValue<T>(string propertyName)
    {
        EntityEntry entry = _entry ?? throw new InvalidOperationException("The reader is not pointed at an entry.");
        if (_original)
        {
            return entry.OriginalValues.GetValue<T>(propertyName);
        }

        PropertyEntry property = entry.Property(propertyName);
        ReadModified |= property.IsModified;
        if (property.IsTemporary)
        {
            HitTemporary = true;
            return default!;
        }

        return entry.CurrentValues.GetValue<T>(propertyName);
    }
}
