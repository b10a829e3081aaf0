namespace Signals.EntityFrameworkCore;

/// <summary>Reads committed outbox rows for a dispatcher: PostgreSQL over Npgsql, or any provider through EF Core.</summary>
internal interface IOutboxSource : IAsyncDisposable
{
    /// <summary>Reads the latest row of every key: the current version of each key that ever changed.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One row per key, in id order.</returns>
    Task<IReadOnlyList<OutboxRow>> LoadLatestAsync(CancellationToken cancellationToken);

    /// <summary>Reads committed rows with an id above <paramref name="position"/>.</summary>
    /// <param name="position">The highest id already published.</param>
    /// <param name="limit">The most rows to return.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Up to <paramref name="limit"/> rows, in id order.</returns>
    Task<IReadOnlyList<OutboxRow>> ReadAfterAsync(long position, int limit, CancellationToken cancellationToken);
}
