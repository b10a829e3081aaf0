using System.Text.Json.Serialization;

namespace Signals.Protocol;

/// <summary>The answer of <c>GET {prefix}/catalog</c>: every signal the app declares (<see cref="SignalCatalog.Descriptors"/>).</summary>
/// <param name="Signals">The declared signals, sorted by pattern; empty when the app declares none (and so accepts every well-formed key).</param>
/// <remarks>
/// Wire shape: <c>{"signals":[{"pattern":"chat:room:{RoomId}","clrType":"Chat.ChatMessage","kind":"family","namespace":"chat","isTemplate":true,
/// "placeholders":[{"name":"RoomId","kind":"guid","typeName":"System.Guid","isNullable":false,"enumMembers":[]}]}]}</c>;
/// <c>kind</c> is <c>signal</c>, <c>family</c> or <c>value</c>; a placeholder's <c>kind</c> is a <see cref="SignalPlaceholderKind"/>
/// (<c>string</c>, <c>integer</c>, <c>boolean</c>, <c>guid</c>, <c>enum</c>, <c>dateOnly</c>, <c>dateTimeOffset</c>), and an integer's
/// also has <c>minimum</c> and <c>maximum</c>, as strings.
/// </remarks>
public sealed record SignalCatalogResponse([property: JsonPropertyName("signals")] IReadOnlyList<SignalDescriptor> Signals);
