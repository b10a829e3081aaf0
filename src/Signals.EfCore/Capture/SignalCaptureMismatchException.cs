namespace Signals.EntityFrameworkCore;

/// <summary>
/// The database's Signals capture triggers (or publication) do not match the model: missing, made for another model or mechanism, or
/// reading a column the table no longer has; or the server cannot capture as the model asks. The dispatcher reports it like a missing schema (logged once, health check Unhealthy, endpoints 503) until it matches.
/// </summary>
internal sealed class SignalCaptureMismatchException : InvalidOperationException
{
    /// <summary>The fix, as a clause completing "Fix it: …".</summary>
    public const string Fixes =
        "add a migration (dotnet ef migrations add) and apply it, which replaces the triggers or the publication's tables, restore the column the capture reads, " +
        "or give the server what the message asks for (wal_level = logical for logical replication); " +
        "a database created with EnsureCreated() gets them from EnsureCreated() on a new database";

    /// <summary>Initializes a new instance.</summary>
    public SignalCaptureMismatchException()
    {
    }

    /// <summary>Initializes a new instance with a message naming the tables and columns.</summary>
    /// <param name="message">The message.</param>
    public SignalCaptureMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SignalCaptureMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
