using Microsoft.Data.Sqlite;
using Signals.EntityFrameworkCore.Tests.Model.Capture;

namespace Signals.EntityFrameworkCore.Tests.Capture;

/// <summary>Capture triggers on a real SQLite file: the same byte-for-byte comparison as on PostgreSQL, raw SQL and ExecuteDelete.</summary>
public sealed class SqliteCaptureTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "signals-tests", Guid.NewGuid().ToString("N"));

    public SqliteCaptureTests() => Directory.CreateDirectory(_directory);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "capture.db") }.ToString();

    [Fact]
    public async Task Trigger_keys_equal_the_generated_keys_byte_for_byte_over_random_values()
    {
        await using CaptureDbContext context = await CreateAsync();
        var values = new CaptureValues(Environment.TickCount);
        for (int i = 1; i <= 300; i++)
        {
            CapturedItem item = values.Item(i);
            context.Items.Add(item);
            long before = await MaxIdAsync();
            await context.SaveChangesAsync(Cancel);
            string[] expected = CaptureValues.KeysOf(item);
            Assert.Equal(expected, await KeysAfterAsync(before));

            string[] old = CaptureValues.KeysOf(item);
            context.Entry(item).CurrentValues.SetValues(values.Item(i));
            before = await MaxIdAsync();
            await context.SaveChangesAsync(Cancel);
            string[] both = [.. old.Union(CaptureValues.KeysOf(item)).Order(StringComparer.Ordinal)];
            Assert.Equal(both, await KeysAfterAsync(before));
        }
    }

    [Fact]
    public async Task Raw_SQL_and_ExecuteDelete_bump_the_keys_and_a_rollback_bumps_nothing()
    {
        await using CaptureDbContext context = await CreateAsync();
        context.Items.AddRange(new CapturedItem { Id = 1, Name = "a" }, new CapturedItem { Id = 2, Name = "b" });
        await context.SaveChangesAsync(Cancel);

        long before = await MaxIdAsync();
        await context.Database.ExecuteSqlRawAsync("UPDATE captured_items SET name = 'x:y' WHERE id = 1", Cancel);
        Assert.Contains("cap:s:x%3Ay", await KeysAfterAsync(before));
        Assert.Contains("cap:s:a", await KeysAfterAsync(before));

        before = await MaxIdAsync();
        await context.Items.Where(i => i.Id == 2).ExecuteDeleteAsync(Cancel);
        Assert.Contains("cap:s:b", await KeysAfterAsync(before));

        before = await MaxIdAsync();
        await using (var transaction = await context.Database.BeginTransactionAsync(Cancel))
        {
            await context.Database.ExecuteSqlRawAsync("UPDATE captured_items SET name = 'gone'", Cancel);
            await transaction.RollbackAsync(Cancel);
        }

        Assert.Empty(await KeysAfterAsync(before));
    }

    [Fact]
    public async Task An_empty_argument_aborts_the_write_as_the_generated_code_throws()
    {
        await using CaptureDbContext context = await CreateAsync();
        long before = await MaxIdAsync();
        SqliteException error = await Assert.ThrowsAsync<SqliteException>(
            () => context.Database.ExecuteSqlRawAsync("INSERT INTO captured_items (id, name, \"Number\", \"Big\", \"Small\", \"Count\", \"Tiny\", \"Flag\", \"Token\", \"Mood\", \"StoredMood\", \"Day\", \"Owner\") VALUES (9, '', 0, 0, 0, 0, 0, 0, '00000000-0000-0000-0000-000000000000', 0, 'Happy', '2024-01-01', '00000000-0000-0000-0000-000000000000')", Cancel));
        Assert.Contains("must not be empty", error.Message, StringComparison.Ordinal);
        Assert.Empty(await KeysAfterAsync(before));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM captured_items"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans the temporary directory.
        }
    }

    private async Task<CaptureDbContext> CreateAsync()
    {
        var context = new CaptureDbContext(new DbContextOptionsBuilder<CaptureDbContext>().UseSqlite(ConnectionString).UseSignals(s => s.UseSqlite()).Options);
        await context.Database.EnsureCreatedAsync(Cancel);
        return context;
    }

    private Task<long> MaxIdAsync() => ScalarAsync<long>("SELECT coalesce(max(id), 0) FROM signals_outbox");

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(Cancel);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync(Cancel))!;
    }

    private async Task<string[]> KeysAfterAsync(long id)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(Cancel);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT key FROM signals_outbox WHERE id > $id";
        command.Parameters.AddWithValue("$id", id);
        await using SqliteDataReader reader = await command.ExecuteReaderAsync(Cancel);
        var keys = new List<string>();
        while (await reader.ReadAsync(Cancel))
        {
            keys.Add(reader.GetString(0));
        }

        return [.. keys.Distinct().Order(StringComparer.Ordinal)];
    }
}
