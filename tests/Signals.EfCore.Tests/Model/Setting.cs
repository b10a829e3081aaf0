namespace Signals.EntityFrameworkCore.Tests.Model;

/// <summary>A setting with exactly one key, <c>config:setting:{Name}</c>: its saves take the one-key form of the outbox insert.</summary>
public sealed class Setting : ISignalSource
{
    public string Name { get; set; } = string.Empty;

    public string Value { get; set; } = string.Empty;

    public static SignalKey ByName(string name) => SignalKey.Create("config:setting", name);

    void ISignalSource.AddSignalKeys(ISignalValueReader values, ICollection<SignalKey> keys)
        => keys.Add(ByName(values.GetValue<string>(nameof(Name))));
}
