using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// The value store on non-relational providers (EF Core in-memory): read, compute in process, and save the value row and its outbox
/// row with one <c>SaveChanges</c>, one writer at a time.
/// </summary>
/// <remarks>
/// The in-memory provider has no transactions and lives in one process, so one lock for the process serializes writes (of every
/// in-memory database: coarser than needed, never wrong). Outbox ids are generated when the row is added (not temporary), so the value
/// row records its version in the same save.
/// </remarks>
internal sealed class ChangeTrackerValueCommands : InProcessValueCommands
{
    private static readonly SemaphoreSlim Writer = new(1, 1);

    /// <inheritdoc/>
    public override async Task<SignalVersion?> DeleteAsync(DbContext context, SignalKey key, long? expectedVersion, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await Writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await FindAsync(context, key, cancellationToken).ConfigureAwait(false) is not { } row
                || (expectedVersion is { } expected && row.Version != expected))
            {
                return null;
            }

            context.Remove(row);
            SignalOutboxEntry outbox = AddOutboxRow(context, key, now, hash: null);
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return new SignalVersion(key, outbox.Id, null, now);
        }
        finally
        {
            Writer.Release();
        }
    }

    /// <inheritdoc/>
    protected override async Task<ValueWrite?> WriteAsync(
        DbContext context, SignalKey key, DateTimeOffset now, long? expectedVersion, Func<JsonElement?, JsonElement> compute, CancellationToken cancellationToken)
    {
        await Writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SignalValueEntry? row = await FindAsync(context, key, cancellationToken).ConfigureAwait(false);
            if (expectedVersion is { } expected && (row?.Version ?? 0) != expected)
            {
                return null;
            }

            JsonElement value = compute(row is null ? null : ToValue(key, row).Value);
            string hash = SignalValueHash.Compute(value);
            if (row is not null && row.Hash == hash)
            {
                return new ValueWrite(ToValue(key, row), Changed: false);
            }

            SignalOutboxEntry outbox = AddOutboxRow(context, key, now, hash);
            if (row is null)
            {
                row = new SignalValueEntry { Key = key.Value };
                context.Add(row);
            }

            (row.Value, row.Hash, row.Version, row.UpdatedAt) = (value.GetRawText(), hash, outbox.Id, now);
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return new ValueWrite(ToValue(key, row), Changed: true);
        }
        finally
        {
            Writer.Release();
        }
    }

    private static SignalOutboxEntry AddOutboxRow(DbContext context, SignalKey key, DateTimeOffset now, string? hash)
    {
        var outbox = new SignalOutboxEntry { Key = key.Value, CreatedAt = now, Hash = hash };
        if (context.Add(outbox).Property(e => e.Id).IsTemporary)
        {
            throw new NotSupportedException(
                $"The in-process value commands need '{context.Database.ProviderName}' to generate outbox ids when a row is added (the in-memory provider does).");
        }

        AddComputedRows(context, key, now);

        return outbox;
    }

    /// <summary>Reads a key's stored row, tracked, for the write to change or remove it.</summary>
    private static Task<SignalValueEntry?> FindAsync(DbContext context, SignalKey key, CancellationToken cancellationToken)
        => context.Set<SignalValueEntry>().FirstOrDefaultAsync(e => e.Key == key.Value, cancellationToken);
}
