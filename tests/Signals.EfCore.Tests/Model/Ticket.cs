namespace Signals.EntityFrameworkCore.Tests.Model;

/// <summary>A support ticket whose family is keyed on its database-generated identity: <c>support:ticket:{Id}</c>.</summary>
public sealed class Ticket : ISignalSource
{
    public static readonly SignalKey AnyTicket = SignalKey.Create("support:tickets");

    public int Id { get; set; }

    public string Title { get; set; } = string.Empty;

    public static SignalKey ById(int id) => SignalKey.Create("support:ticket", SignalKey.FormatArgument(id));

    void ISignalSource.AddSignalKeys(ISignalValueReader values, ICollection<SignalKey> keys)
    {
        keys.Add(AnyTicket);
        keys.Add(ById(values.GetValue<int>(nameof(Id))));
    }
}
