namespace Signals.EntityFrameworkCore.Tests.Model;

/// <summary>An entity without signals: saving it adds no outbox rows.</summary>
public sealed class AuditNote
{
    public int Id { get; set; }

    public string Text { get; set; } = string.Empty;
}
