using System.Text.Json;
using System.Text.Json.Serialization;

namespace Signals.Protocol;

/// <summary>Source-generated JSON metadata for the wire DTOs (camelCase, compact), shared by the endpoints and the .NET client.</summary>
/// <remarks>
/// The endpoints serialize with this context rather than the app's <c>JsonOptions</c>, so an app's naming policy or converters
/// can never change the wire protocol.
/// </remarks>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SyncRequest))]
[JsonSerializable(typeof(SyncChangesRequest))]
[JsonSerializable(typeof(SyncResponse))]
[JsonSerializable(typeof(SignalEvent))]
[JsonSerializable(typeof(SyncMode))]
[JsonSerializable(typeof(SyncHint))]
[JsonSerializable(typeof(SignalValueResponse))]
[JsonSerializable(typeof(SignalCatalogResponse))]
[JsonSerializable(typeof(SignalMeshResponse))]
internal sealed partial class SignalsJsonSerializerContext : JsonSerializerContext
{
}
