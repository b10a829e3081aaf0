using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// The hub's read of the current version of keys it does not hold, on PostgreSQL: the neutral query's rows (each key's compacted state
/// row, and its outbox row with no higher id of the same key) as one Npgsql command, without EF Core's query pipeline, whose per-call
/// work (the expression tree's parameter extraction, the query cache look-up, materializing anonymous rows and parsing each key again)
/// the cold read of a sync naming a thousand keys paid on every request.
/// </summary>
/// <remarks>
/// The keys go as one <c>text[]</c> parameter compared with <c>= ANY</c>, which the primary key of the state table and the outbox's
/// <c>(key, id)</c> index answer per element. The rows name their key by its text; it is matched to the caller's parsed keys by a
/// dictionary instead of parsing it again. Not prepared: an explicit prepare costs a round trip on every new physical connection of the
/// application's pool, which is not ours to configure for automatic preparation.
/// </remarks>
internal static class PostgresVersionQuery
{
    private const string SqlAnnotation = "Signals:PostgresVersionQuery";

    /// <summary>Reads the latest version of each key that has one.</summary>
    /// <param name="context">A context of the application's type on Npgsql; its connection is opened and closed around the read.</param>
    /// <param name="keys">The keys; distinct, at least one.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The version of each key that has one, in any order.</returns>
    /// <exception cref="NpgsqlException">The read failed.</exception>
    public static async Task<IReadOnlyList<SignalVersion>> ReadAsync(DbContext context, IReadOnlyList<SignalKey> keys, CancellationToken cancellationToken)
    {
        var byText = new Dictionary<string, SignalKey>(keys.Count, StringComparer.Ordinal);
        string[] texts = new string[keys.Count];
        for (int i = 0; i < keys.Count; i++)
        {
            texts[i] = keys[i].Value;
            byText[texts[i]] = keys[i];
        }

        string sql = context.Model.GetOrAddRuntimeAnnotationValue(SqlAnnotation, static c => Statement(c!), context);
        var latest = new Dictionary<string, SignalVersion>(keys.Count, StringComparer.Ordinal);
        await context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)context.Database.GetDbConnection())
            {
                Parameters = { new NpgsqlParameter<string[]> { TypedValue = texts } },
            };
            await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                string text = reader.GetString(0);
                long version = reader.GetInt64(1);
                if (byText.TryGetValue(text, out SignalKey key) && (!latest.TryGetValue(text, out SignalVersion held) || held.Version < version))
                {
                    latest[text] = new SignalVersion(key, version, reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3));
                }
            }
        }
        finally
        {
            await context.Database.CloseConnectionAsync().ConfigureAwait(false);
        }

        return [.. latest.Values];
    }

    /// <summary>The statement for a model's table and column names (see the remarks on the type).</summary>
    private static string Statement(DbContext context)
    {
        SignalsTables tables = SignalsTables.FromModel(context);
        MappedTable state = tables.State;
        MappedTable outbox = tables.Outbox;
        string key = outbox.Column(nameof(SignalOutboxEntry.Key));
        string id = outbox.Column(nameof(SignalOutboxEntry.Id));
        return $"""
            SELECT s.{state.Column(nameof(SignalStateEntry.Key))}, s.{state.Column(nameof(SignalStateEntry.Version))}, s.{state.Column(nameof(SignalStateEntry.Hash))}, s.{state.Column(nameof(SignalStateEntry.UpdatedAt))}
            FROM {state.QuotedName} AS s
            WHERE s.{state.Column(nameof(SignalStateEntry.Key))} = ANY ($1)
            UNION ALL
            SELECT o.{key}, o.{id}, o.{outbox.Column(nameof(SignalOutboxEntry.Hash))}, o.{outbox.Column(nameof(SignalOutboxEntry.CreatedAt))}
            FROM {outbox.QuotedName} AS o
            WHERE o.{key} = ANY ($1) AND NOT EXISTS (SELECT 1 FROM {outbox.QuotedName} AS n WHERE n.{key} = o.{key} AND n.{id} > o.{id})
            """;
    }
}
