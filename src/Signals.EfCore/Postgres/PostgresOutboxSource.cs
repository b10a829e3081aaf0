using Npgsql;

namespace Signals.EntityFrameworkCore;

/// <summary>Reads the outbox over Npgsql, from a pooled data source the dispatcher owns.</summary>
internal sealed class PostgresOutboxSource : IOutboxSource
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _latestSql;
    private readonly string _afterSql;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="dataSource">The data source; disposed with this source.</param>
    /// <param name="table">Where the outbox is.</param>
    public PostgresOutboxSource(NpgsqlDataSource dataSource, OutboxTable table)
    {
        _dataSource = dataSource;
        string id = OutboxTable.Quote(table.IdColumn);
        string key = OutboxTable.Quote(table.KeyColumn);
        string createdAt = OutboxTable.Quote(table.CreatedAtColumn);
        _latestSql = $"SELECT DISTINCT ON ({key}) {id}, {key}, {createdAt} FROM {table.QuotedName} ORDER BY {key}, {id} DESC";
        _afterSql = $"SELECT {id}, {key}, {createdAt} FROM {table.QuotedName} WHERE {id} > $1 ORDER BY {id} LIMIT $2";
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<OutboxRow>> LoadLatestAsync(CancellationToken cancellationToken)
    {
        NpgsqlCommand command = _dataSource.CreateCommand(_latestSql);
        await using (command.ConfigureAwait(false))
        {
            List<OutboxRow> rows = await ReadAsync(command, cancellationToken).ConfigureAwait(false);
            rows.Sort(static (a, b) => a.Id.CompareTo(b.Id));
            return rows;
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<OutboxRow>> ReadAfterAsync(long position, int limit, CancellationToken cancellationToken)
    {
        NpgsqlCommand command = _dataSource.CreateCommand(_afterSql);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = limit });
            return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static async Task<List<OutboxRow>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<OutboxRow>();
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(new OutboxRow(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)));
            }
        }

        return rows;
    }
}
