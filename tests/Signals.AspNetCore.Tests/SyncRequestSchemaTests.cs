using System.Buffers;
using System.Text.Json;
using Signals.AspNetCore.Endpoints;
using Signals.Protocol;

namespace Signals.AspNetCore.Tests;

/// <summary>One schema for the sync body: the server's reader reads what <see cref="SyncRequest"/>'s JSON contract writes, field for field.</summary>
public sealed class SyncRequestSchemaTests
{
    [Fact]
    public void The_reader_reads_the_fields_SyncRequest_declares()
    {
        string[] declared = [.. JsonSerializerOptions.Default.GetTypeInfo(typeof(SyncRequest)).Properties.Select(static p => p.Name)];

        Assert.Equal(declared.Order(StringComparer.Ordinal), SyncRequestReader.FieldNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void What_the_client_writes_the_server_reads_back_unchanged()
    {
        var sent = new SyncRequest
        {
            Known = new Dictionary<SignalKey, long> { [SignalKey.Parse("chat:room:general")] = 5, [SignalKey.Parse("chat:room:random")] = 0 },
            ClientId = Guid.NewGuid(),
            Mode = SyncMode.SseCompat,
            Hint = SyncHint.Reconnect,
            Timestamp = 1_700_000_000_000,
            Wait = 1_000,
            WaitMs = 2_000,
        };
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(sent);

        Assert.Null(SyncRequestReader.Read(new ReadOnlySequence<byte>(body), maxKeys: 10, new SignalHub(), out SyncRequest? read));

        Assert.NotNull(read);
        Assert.Equal(sent.Known, read.Known);
        Assert.Equal([.. sent.Known.Keys], read.Known.Keys);
        Assert.Equal(sent.ClientId, read.ClientId);
        Assert.Equal(sent.Mode, read.Mode);
        Assert.Equal(sent.Hint, read.Hint);
        Assert.Equal(sent.Timestamp, read.Timestamp);
        Assert.Equal(sent.Wait, read.Wait);
        Assert.Equal(sent.WaitMs, read.WaitMs);
    }
}
