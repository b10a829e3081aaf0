using System.ComponentModel.DataAnnotations;
using Signals.Protocol;

namespace Signals.AspNetCore;

/// <summary>Options for the HTTP endpoints that <c>MapSignals()</c> maps: sync, the Server-Sent Events stream, values and the catalog.</summary>
/// <remarks>
/// <para>Read once, when <c>MapSignals()</c> runs. Validated at start-up and when first read, so <c>MapSignals()</c> throws on an invalid
/// value (<see cref="Microsoft.Extensions.Options.OptionsValidationException"/>, naming the option). Configure them with
/// <c>services.AddSignals().AddHttpEndpoints(o =&gt; …)</c>, which also binds the <see cref="SectionName"/> configuration section,
/// or with <c>services.Configure&lt;SignalsEndpointOptions&gt;(…)</c>.</para>
/// <para>The number of keys one request may name is <see cref="SignalsOptions.MaxKeysPerSubscription"/> (default 1,000), shared
/// with the hub so a long-poll or stream never asks the hub for more than it allows.</para>
/// </remarks>
public sealed class SignalsEndpointOptions : IValidatableObject
{
    /// <summary>The configuration section the options are bound from: <c>Signals:Endpoints</c>.</summary>
    public const string SectionName = "Signals:Endpoints";

    /// <summary>The longest interval or wait the options accept, 24 hours, as <see cref="RangeAttribute"/> parses it.</summary>
    private const string MaxInterval = "1.00:00:00";

    /// <summary>The longest wait a sync request may ask for: 29,000 ms, the Reality server's cap.</summary>
    public static readonly TimeSpan DefaultMaxLongPollWait = TimeSpan.FromMilliseconds(29_000);

    /// <summary>Gets or sets how often the event stream sends a <c>: ping</c> comment while no event is due.</summary>
    /// <remarks>
    /// The default is 15 seconds, well under the idle timeouts of common proxies and load balancers (30–60 s).
    /// <see cref="TimeSpan.Zero"/> or <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> disables heartbeats.
    /// Otherwise at most 24 hours.
    /// </remarks>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets the reconnection delay the event stream suggests to clients, sent as <c>retry:</c> (milliseconds) on its first event.</summary>
    /// <remarks>The default is 3 seconds (what browsers use when no hint is sent). <see langword="null"/> sends no hint. At most 24 hours.</remarks>
    [Range(typeof(TimeSpan), "00:00:00", MaxInterval)]
    public TimeSpan? ReconnectionInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Gets or sets the longest a sync request is held waiting for a change (<c>wait</c>/<c>waitMs</c> are capped to it).</summary>
    /// <remarks>
    /// The default is <see cref="DefaultMaxLongPollWait"/> (29,000 ms, Reality's cap, under the 30 s many proxies allow).
    /// <see cref="TimeSpan.Zero"/> disables long-polling: sync always answers at once. At most 24 hours.
    /// </remarks>
    [Range(typeof(TimeSpan), "00:00:00", MaxInterval)]
    public TimeSpan MaxLongPollWait { get; set; } = DefaultMaxLongPollWait;

    /// <summary>
    /// Gets or sets how long a lagging instance may hold a resumed event stream, or a sync, while it catches up with what the client
    /// has already seen on another instance; after it, the instance answers anyway.
    /// </summary>
    /// <remarks>
    /// <para>The default is 5 seconds. Must be greater than 0 and at most 24 hours.</para>
    /// <para>Each instance's dispatcher reads the shared change feed at its own pace, so a client that saw version 120 of a key on
    /// instance A and reconnects to instance B, which has only read up to 110, would be told an older version. The event id the stream
    /// sends (<c>C-H</c>) carries the highest version the client may have seen, and sync carries the versions it knows: the instance
    /// first waits until its <see cref="SignalHub.SettledCursor"/> reaches them (<see cref="SignalHub.WaitForSettledAsync"/>), at most
    /// this long. An instance that is further behind than that (e.g. its database connection is down) answers with what it has: the
    /// clients of this library still never report a version below one they reported (they filter per key).</para>
    /// </remarks>
    public TimeSpan CatchUpTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the largest sync request body accepted, in bytes; a larger one is answered with 413.</summary>
    /// <remarks>The default is 1 MiB (1,048,576 bytes), room for the default 1,000 keys at the 512-byte maximum key length. Must be at least 1.</remarks>
    [Range(typeof(long), "1", "9223372036854775807")]
    public long MaxRequestBodySize { get; set; } = 1024 * 1024;

    /// <summary>Gets or sets the SSE event type (<c>event:</c>) of change events.</summary>
    /// <remarks>
    /// The default is <c>signal</c>. Set it to <c>update</c> so an <c>EventSource</c> written for the Reality server's SSE
    /// adapter receives the events unchanged. Must be non-empty without line breaks.
    /// </remarks>
    public string EventType { get; set; } = SignalEvent.DefaultEventType;

    /// <summary>Gets or sets the largest value a value write (<c>MapSignalValueWrites()</c>) accepts, in bytes of JSON; a larger one is answered with 413.</summary>
    /// <remarks>The default is 64 KiB (65,536 bytes): value signals are small values (a counter, a theme), not documents. Must be at least 1.</remarks>
    [Range(typeof(long), "1", "9223372036854775807")]
    public long MaxValueBodySize { get; set; } = 64 * 1024;

    /// <summary>
    /// Gets the authorization policy per key namespace: every key of a namespace listed here is authorized with that policy, with the
    /// key (<see cref="SignalKey"/>) as the resource, before any endpoint reads or writes it.
    /// </summary>
    /// <remarks>
    /// <para>Empty by default (no per-namespace policy). Namespaces are compared ordinally, e.g.
    /// <c>o.NamespacePolicies["billing"] = "billing-readers"</c>. The policies are evaluated with <c>IAuthorizationService</c>, so the app
    /// registers them with <c>AddAuthorization</c>; a denied key answers 403 (see <see cref="Authorization.ISignalAuthorizer"/>, which applies
    /// as well). Each namespace must be a literal key segment and each policy name non-empty.</para>
    /// </remarks>
    public IDictionary<string, string> NamespacePolicies { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <inheritdoc/>
    /// <remarks>
    /// Checks what attributes cannot say: <see cref="HeartbeatInterval"/> is between 0 and 24 hours or infinite,
    /// <see cref="CatchUpTimeout"/> is greater than 0 and at most 24 hours, every
    /// <see cref="NamespacePolicies"/> entry maps a namespace to a policy name, and <see cref="EventType"/> is one line.
    /// </remarks>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (HeartbeatInterval != Timeout.InfiniteTimeSpan && (HeartbeatInterval < TimeSpan.Zero || HeartbeatInterval > TimeSpan.FromHours(24)))
        {
            yield return new ValidationResult(
                $"{nameof(SignalsEndpointOptions)}.{nameof(HeartbeatInterval)} must be between 0 (disabled) and 24 hours, or infinite (disabled); it is {HeartbeatInterval}.",
                [nameof(HeartbeatInterval)]);
        }

        if (CatchUpTimeout <= TimeSpan.Zero || CatchUpTimeout > TimeSpan.FromHours(24))
        {
            yield return new ValidationResult(
                $"{nameof(SignalsEndpointOptions)}.{nameof(CatchUpTimeout)} must be greater than 0 and at most 24 hours; it is {CatchUpTimeout}.",
                [nameof(CatchUpTimeout)]);
        }

        foreach ((string ns, string policy) in NamespacePolicies)
        {
            if (!SignalKey.TryParse(ns, out SignalKey key, out _) || key.Namespace != ns)
            {
                yield return new ValidationResult(
                    $"{nameof(SignalsEndpointOptions)}.{nameof(NamespacePolicies)} has the namespace \"{ns}\", which is not a namespace (one literal key segment, [A-Za-z0-9_.-]+).",
                    [nameof(NamespacePolicies)]);
            }

            if (string.IsNullOrWhiteSpace(policy))
            {
                yield return new ValidationResult(
                    $"{nameof(SignalsEndpointOptions)}.{nameof(NamespacePolicies)} maps the namespace \"{ns}\" to an empty policy name.",
                    [nameof(NamespacePolicies)]);
            }
        }

        if (string.IsNullOrEmpty(EventType) || EventType.AsSpan().ContainsAny('\r', '\n'))
        {
            yield return new ValidationResult(
                $"{nameof(SignalsEndpointOptions)}.{nameof(EventType)} must be non-empty and must not contain line breaks.",
                [nameof(EventType)]);
        }
    }
}
