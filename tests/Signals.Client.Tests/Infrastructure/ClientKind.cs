namespace Signals.Client.Tests.Infrastructure;

/// <summary>The two <see cref="ISignalsClient"/> implementations the contract tests run against.</summary>
public enum ClientKind
{
    /// <summary>The HTTP <see cref="SignalsClient"/> (from AddSignalsClient) against the test server.</summary>
    Http,

    /// <summary>The <see cref="EmbeddedSignalsClient"/> the test server's AddSignals registered.</summary>
    Embedded,
}
