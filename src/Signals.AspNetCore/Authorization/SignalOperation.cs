namespace Signals.AspNetCore.Authorization;

/// <summary>What a request wants to do with a key, as an <see cref="ISignalAuthorizer"/> is asked.</summary>
public enum SignalOperation
{
    /// <summary>Learn the key's version or value: sync, the event stream, <c>GET {prefix}/values/{key}</c>.</summary>
    Read,

    /// <summary>Set or delete the key's value: <c>PUT</c>/<c>DELETE {prefix}/values/{key}</c>, mapped by <c>MapSignalValueWrites()</c>.</summary>
    Write,
}
