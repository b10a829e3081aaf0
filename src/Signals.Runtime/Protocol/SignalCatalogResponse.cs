using System.Text.Json.Serialization;

namespace Signals.Protocol;

/// <summary>The answer of <c>GET {prefix}/catalog</c>: every signal the app declares (<see cref="SignalCatalog.Descriptors"/>).</summary>
/// <param name="Signals">The declared signals, sorted by pattern; empty when the app declares none (and so accepts every well-formed key).</param>
/// <remarks>
/// Wire shape: <c>{"signals":[{"pattern":"chat:room:{RoomId}","namespace":"chat","clrType":"Chat.ChatMessage","kind":"family","isTemplate":true}]}</c>;
/// <c>kind</c> is <c>signal</c>, <c>family</c> or <c>value</c>.
/// </remarks>
public sealed record SignalCatalogResponse([property: JsonPropertyName("signals")] IReadOnlyList<SignalDescriptor> Signals);
