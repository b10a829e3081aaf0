using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Signals.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>
/// A transient failure on demand: the first command whose text contains <paramref name="marker"/> finds its connection killed
/// (<c>pg_terminate_backend</c> from another connection, waited for) just before it runs.
/// </summary>
internal sealed class KillConnectionOnce(string serverConnectionString, string marker) : DbCommandInterceptor
{
    private int _armed = 1;

    public int Kills { get; private set; }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await KillIfArmedAsync(command, cancellationToken);
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await KillIfArmedAsync(command, cancellationToken);
        return result;
    }

    private async Task KillIfArmedAsync(DbCommand command, CancellationToken cancellationToken)
    {
        if (!command.CommandText.Contains(marker, StringComparison.Ordinal) || Interlocked.Exchange(ref _armed, 0) == 0)
        {
            return;
        }

        int pid = ((NpgsqlConnection)command.Connection!).ProcessID;
        await using var killer = new NpgsqlConnection(serverConnectionString);
        await killer.OpenAsync(cancellationToken);
        await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend($1, 5000)", killer);
        kill.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pid });
        Kills += (bool)(await kill.ExecuteScalarAsync(cancellationToken))! ? 1 : 0;
    }
}
