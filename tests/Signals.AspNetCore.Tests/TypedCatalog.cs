using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace Signals.AspNetCore.Tests;

/// <summary>
/// A catalog whose placeholders and value types are described as the generator describes them: an enum, integers, a Guid, dates, and
/// value signals with their declared types (<see cref="SignalValueType.Create{T}"/>).
/// </summary>
public static class TypedCatalog
{
    public static readonly SignalPlaceholder Status = new("Status", SignalPlaceholderKind.Enum, "Shop.OrderStatus", enumMembers: ["Pending", "Paid", "Shipped"]);

    public static SignalCatalog Create() => new([
        new SignalDescriptor("shop:status:{Status}", "Shop.Order", SignalKind.Family, [Status]),
        new SignalDescriptor("shop:order:{Id}", "Shop.Order", SignalKind.Family, [new SignalPlaceholder("Id", SignalPlaceholderKind.Integer, "System.Int32")]),
        new SignalDescriptor("shop:ledger:{Account}:day:{Day}:at:{At}", "Shop.Entry", SignalKind.Family,
        [
            new SignalPlaceholder("Account", SignalPlaceholderKind.Integer, "System.Int64"),
            new SignalPlaceholder("Day", SignalPlaceholderKind.DateOnly, "System.DateOnly"),
            new SignalPlaceholder("At", SignalPlaceholderKind.DateTimeOffset, "System.DateTimeOffset"),
        ]),
        new SignalDescriptor("shop:customer:{CustomerId}:vip:{Vip}", "Shop.Customer", SignalKind.Family,
        [
            new SignalPlaceholder("CustomerId", SignalPlaceholderKind.Guid, "System.Guid"),
            new SignalPlaceholder("Vip", SignalPlaceholderKind.Boolean, "System.Boolean"),
        ]),
        new SignalDescriptor("shop:orders", "Shop.Order", SignalKind.Signal),
        new SignalDescriptor("shop:shop-settings", "Shop.ShopSettings", SignalKind.Value) { ValueType = SignalValueType.Create<ShopSettings>() },
        new SignalDescriptor("shop:note:{Name}", "Shop.Note", SignalKind.Value) { ValueType = SignalValueType.Create<Note>() },
        new SignalDescriptor("shop:widget", "Shop.Widget", SignalKind.Value) { ValueType = SignalValueType.Create<Widget>() },
        new SignalDescriptor("secret:order:{Id}", "Shop.SecretOrder", SignalKind.Family, [new SignalPlaceholder("Id", SignalPlaceholderKind.Integer, "System.Int32")]),
    ]);

    /// <summary>Registers the catalog before <c>AddSignals()</c>, which then keeps it instead of <see cref="SignalCatalog.Registered"/>.</summary>
    public static void AddTo(IServiceCollection services) => services.AddSingleton(Create());

    public enum Level
    {
        Low,
        High,
    }

    [JsonConverter(typeof(JsonStringEnumConverter<Tone>))]
    public enum Tone
    {
        Warm,
        [JsonStringEnumMemberName("cold")]
        Cold,
    }

    /// <summary>A value signal's value with every shape the TypeScript types describe.</summary>
    public sealed record ShopSettings(
        string Currency = "EUR",
        int MaxItems = 10,
        string? Banner = null,
        Level Level = Level.Low,
        Tone Tone = Tone.Warm,
        DateTimeOffset? OpensAt = null,
        DateOnly Since = default,
        Guid Owner = default,
        IReadOnlyList<Discount>? Discounts = null,
        Dictionary<string, decimal>? Prices = null,
        string?[]? Tags = null)
    {
        [JsonPropertyName("v")]
        public long Revision { get; init; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Comment { get; init; }

        [JsonIgnore]
        public int Hidden { get; init; }
    }

    public sealed record Discount(string Code, double Percent, Discount? Next = null);

    public sealed record Note(string Text = "");

    /// <summary>The contract's rarer shapes: a polymorphic property, a generic record, numbers as strings, per-property converters, extension data, a name two types share.</summary>
    public sealed record Widget
    {
        public Shape Shape { get; init; } = new Circle(1);

        public Page<Discount>? Page { get; init; }

        [JsonNumberHandling(JsonNumberHandling.WriteAsString)]
        public long Big { get; init; }

        [JsonConverter(typeof(JsonStringEnumConverter<Level>))]
        public Level LevelName { get; init; }

        [JsonConverter(typeof(UpperCase))]
        public string Custom { get; init; } = "";

        public Discount? Own { get; init; }

        public TypedCatalog.Discount? Shared { get; init; }

        [JsonExtensionData]
        public Dictionary<string, System.Text.Json.JsonElement>? Extra { get; init; }

        public sealed record Discount(int Amount);
    }

    [JsonPolymorphic]
    [JsonDerivedType(typeof(Circle), "circle")]
    [JsonDerivedType(typeof(Square), "square")]
    public abstract record Shape;

    public sealed record Circle(double Radius) : Shape;

    public sealed record Square(double Side) : Shape;

    public sealed record Page<T>(IReadOnlyList<T> Items, int Total);

    /// <summary>A converter the contract cannot describe.</summary>
    public sealed class UpperCase : JsonConverter<string>
    {
        public override string Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) => reader.GetString()!.ToUpperInvariant();

        public override void Write(System.Text.Json.Utf8JsonWriter writer, string value, System.Text.Json.JsonSerializerOptions options) => writer.WriteStringValue(value.ToUpperInvariant());
    }
}
