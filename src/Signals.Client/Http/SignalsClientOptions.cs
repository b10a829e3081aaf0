using System.ComponentModel.DataAnnotations;

namespace Signals.Client;

/// <summary>
/// Options for the HTTP <see cref="SignalsClient"/>, configured by <c>AddSignalsClient(baseAddress, configure)</c> and bound from the
/// <see cref="SectionName"/> configuration section when the app has an <c>IConfiguration</c> (any .NET host does).
/// </summary>
/// <remarks>
/// Validated at start-up under a host, and when the client is first resolved: an invalid value throws
/// <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> naming every offending property.
/// </remarks>
public sealed class SignalsClientOptions : IValidatableObject
{
    /// <summary>The configuration section the options are bound from: <c>Signals:Client</c>.</summary>
    public const string SectionName = "Signals:Client";

    /// <summary>The longest interval or timeout the options accept, 24 hours, as <see cref="RangeAttribute"/> parses it.</summary>
    private const string MaxInterval = "1.00:00:00";

    /// <summary>Gets or sets the address of the app that maps the Signals endpoints, e.g. <c>https://chat.example.com/</c>.</summary>
    /// <remarks>Set by <c>AddSignalsClient(baseAddress)</c>; must be an absolute <c>http</c> or <c>https</c> URI. A path is kept: the
    /// endpoints are looked up under <c>{BaseAddress}/{PathPrefix}</c>.</remarks>
    public Uri? BaseAddress { get; set; }

    /// <summary>Gets or sets the route prefix the server passed to <c>MapSignals()</c>.</summary>
    /// <remarks>The default is <c>/signals</c>. Must not be empty, nor hold a query or fragment.</remarks>
    public string PathPrefix { get; set; } = "/signals";

    /// <summary>Gets or sets how watches learn of changes.</summary>
    /// <remarks>The default is <see cref="SignalsClientMode.Auto"/>.</remarks>
    public SignalsClientMode Mode { get; set; } = SignalsClientMode.Auto;

    /// <summary>Gets or sets how long a new event stream may stay silent (no response, no event, no heartbeat) before the client
    /// concludes that something between it and the server buffers the stream.</summary>
    /// <remarks>
    /// The default is 20 seconds: longer than the server's default heartbeat interval (15 s), so a healthy stream always sends
    /// something first. In <see cref="SignalsClientMode.Auto"/> the client then falls back to long-polling; in
    /// <see cref="SignalsClientMode.Sse"/> it reconnects. Between 0 (exclusive) and 24 hours.
    /// </remarks>
    [Range(typeof(TimeSpan), "00:00:00.0000001", MaxInterval)]
    public TimeSpan StreamOpenTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Gets or sets how long an established event stream may stay silent before the client drops it and reconnects.</summary>
    /// <remarks>The default is 45 seconds, three of the server's default heartbeats. Between 0 (exclusive) and 24 hours.</remarks>
    [Range(typeof(TimeSpan), "00:00:00.0000001", MaxInterval)]
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>Gets or sets how long <see cref="SignalsClientMode.Auto"/> keeps long-polling after a fallback before it tries the
    /// event stream again.</summary>
    /// <remarks>The default is 5 minutes. Shared by every watch of the client: a buffering proxy affects them all. Between 0 and 24 hours.</remarks>
    [Range(typeof(TimeSpan), "00:00:00", MaxInterval)]
    public TimeSpan FallbackDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how long a long-polling sync asks the server to wait for a change (sent as <c>waitMs</c>).</summary>
    /// <remarks>The default is 25 seconds, under the server's cap (29 s) and the 30 s idle timeout of many proxies. Between 1 ms and 24 hours.</remarks>
    [Range(typeof(TimeSpan), "00:00:00.001", MaxInterval)]
    public TimeSpan LongPollWait { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>Gets or sets the pause between two syncs in <see cref="SignalsClientMode.Polling"/>.</summary>
    /// <remarks>The default is 5 seconds. Between 1 ms and 24 hours.</remarks>
    [Range(typeof(TimeSpan), "00:00:00.001", MaxInterval)]
    public TimeSpan PollingInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the first wait before reconnecting after a failure, unless the server suggested one with <c>retry:</c>.</summary>
    /// <remarks>
    /// The default is 1 second. Each further failure in a row doubles the wait up to <see cref="MaxReconnectDelay"/>; every wait is
    /// jittered (between half and all of it) so clients that lost the same server do not return at once. Between 0 and 24 hours;
    /// a first wait under 10 ms (this, or the server's hint) counts as 10 ms.
    /// </remarks>
    [Range(typeof(TimeSpan), "00:00:00", MaxInterval)]
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest wait between reconnection attempts.</summary>
    /// <remarks>The default is 30 seconds. At least <see cref="ReconnectDelay"/>, at most 24 hours.</remarks>
    [Range(typeof(TimeSpan), "00:00:00", MaxInterval)]
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long one request may take, on top of the wait it asks the server for.</summary>
    /// <remarks>
    /// The default is 30 seconds. Applies to syncs (a long-poll may take <see cref="LongPollWait"/> plus this) and value reads;
    /// the event stream is bounded by <see cref="StreamOpenTimeout"/> and <see cref="StreamIdleTimeout"/> instead. The client's
    /// own <see cref="HttpClient.Timeout"/> is set to infinite for that reason. Between 0 (exclusive) and 24 hours.
    /// </remarks>
    [Range(typeof(TimeSpan), "00:00:00.0000001", MaxInterval)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc/>
    /// <remarks>
    /// Checks what attributes cannot say: <see cref="BaseAddress"/> is an absolute http or https URI, <see cref="PathPrefix"/> a path
    /// without query or fragment, <see cref="Mode"/> a defined value, and <see cref="MaxReconnectDelay"/> at least <see cref="ReconnectDelay"/>.
    /// </remarks>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BaseAddress is not { IsAbsoluteUri: true } address || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            yield return new ValidationResult(
                $"{nameof(SignalsClientOptions)}.{nameof(BaseAddress)} must be an absolute http or https URI; it is '{BaseAddress}'.", [nameof(BaseAddress)]);
        }

        if (string.IsNullOrWhiteSpace(PathPrefix) || PathPrefix.AsSpan().ContainsAny('?', '#'))
        {
            yield return new ValidationResult(
                $"{nameof(SignalsClientOptions)}.{nameof(PathPrefix)} must be a non-empty path without a query or fragment, e.g. '/signals'; it is '{PathPrefix}'.",
                [nameof(PathPrefix)]);
        }

        if (!Enum.IsDefined(Mode))
        {
            yield return new ValidationResult(
                $"{nameof(SignalsClientOptions)}.{nameof(Mode)} must be Auto, Sse, LongPoll or Polling; it is {(int)Mode}.", [nameof(Mode)]);
        }

        if (MaxReconnectDelay < ReconnectDelay)
        {
            yield return new ValidationResult(
                $"{nameof(SignalsClientOptions)}.{nameof(MaxReconnectDelay)} must be at least {nameof(ReconnectDelay)} ({ReconnectDelay}); it is {MaxReconnectDelay}.",
                [nameof(MaxReconnectDelay)]);
        }
    }
}
