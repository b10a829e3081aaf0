using System.Text.Json;
using System.Text.Json.Serialization;

namespace Signals.Client;

/// <summary>Source-generated JSON metadata for the client-only shapes (the shared wire DTOs use <c>SignalsJsonSerializerContext</c>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ValueResponse))]
internal sealed partial class SignalsClientJsonSerializerContext : JsonSerializerContext
{
}
