using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Signals.Protocol;

namespace Signals.Client;

/// <summary>
/// The <see cref="ISignalsClient"/> of another process: talks to a Signals server over HTTP — <c>POST {prefix}/sync</c>,
/// <c>GET {prefix}/events</c> (Server-Sent Events, read with <see cref="System.Net.ServerSentEvents.SseParser"/>) and
/// <c>GET {prefix}/values/{key}</c>.
/// </summary>
/// <remarks>
/// <para>Registered as a singleton by <c>AddSignalsClient(baseAddress)</c>; each request uses a client of the named
/// <see cref="IHttpClientFactory"/> client <see cref="HttpClientName"/>, so handlers added to the returned builder (authentication,
/// resilience) apply. Thread-safe.</para>
/// <para>Watches (<see cref="WatchAsync"/>) follow <see cref="SignalsClientOptions.Mode"/>: the event stream, resumed after every
/// failure with backoff and <c>Last-Event-ID</c>, falling back to long-polling sync when the stream cannot be held; or long-polling;
/// or plain polling. An <c>event: reset</c> (the server cannot resume from the cursor) makes the watch sync in full.</para>
/// </remarks>
public sealed class SignalsClient : ISignalsClient
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client every request goes through: <c>Signals</c>.</summary>
    public const string HttpClientName = "Signals";

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly Uri _syncUri;
    private readonly Uri _changesUri;
    private readonly Uri _valuesUri;
    private long _streamBlockedUntil;

    /// <summary>Initializes a new instance (usually resolved from dependency injection after <c>AddSignalsClient()</c>).</summary>
    /// <param name="httpClientFactory">Creates the <see cref="HttpClientName"/> clients.</param>
    /// <param name="options">The client options.</param>
    /// <param name="logger">Logs reconnections and fallbacks.</param>
    /// <param name="timeProvider">The clock for reconnection delays, polling and fallbacks.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="OptionsValidationException">The options are invalid; the message names every offending property.</exception>
    public SignalsClient(IHttpClientFactory httpClientFactory, IOptions<SignalsClientOptions> options, ILogger<SignalsClient> logger, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _httpClientFactory = httpClientFactory;
        Options = options.Value;
        Logger = logger;
        TimeProvider = timeProvider;

        // Resolve "sync" and "events" below the prefix, keeping any path of the base address (https://host/app/ → /app/signals/sync).
        string root = Options.BaseAddress!.AbsoluteUri;
        var rootUri = new Uri(root.EndsWith('/') ? root : root + "/");
        string prefix = Options.PathPrefix.Trim('/');
        Uri endpoints = prefix.Length == 0 ? rootUri : new Uri(rootUri, prefix + "/");
        _syncUri = new Uri(endpoints, "sync");
        _changesUri = new Uri(endpoints, "changes");
        EventsUri = new Uri(endpoints, "events");
        _valuesUri = new Uri(endpoints, "values/");
    }

    internal SignalsClientOptions Options { get; }

    internal ILogger Logger { get; }

    internal TimeProvider TimeProvider { get; }

    internal Uri EventsUri { get; }

    /// <summary>Gets whether a watch should use the event stream now (see <see cref="SignalsClientOptions.Mode"/>).</summary>
    internal bool UseStream => Options.Mode switch
    {
        SignalsClientMode.Sse => true,
        SignalsClientMode.Auto => TimeProvider.GetUtcNow().UtcTicks >= Volatile.Read(ref _streamBlockedUntil),
        _ => false,
    };

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A key is <c>default(SignalKey)</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A version is negative, or <paramref name="wait"/> is negative or over 24 hours.</exception>
    /// <exception cref="HttpRequestException">The server could not be reached, or answered with an error (the message holds its problem detail).</exception>
    /// <exception cref="TimeoutException">The server did not answer within <paramref name="wait"/> plus <see cref="SignalsClientOptions.RequestTimeout"/>.</exception>
    public async ValueTask<IReadOnlyList<SignalVersion>> SyncAsync(IReadOnlyDictionary<SignalKey, long> known, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        ClientArguments.CheckSync(known, wait);
        SyncResponse response = await SendSyncAsync(known, wait, cancellationToken).ConfigureAwait(false);
        return [.. response.Changed.Values.Select(static change => change.ToVersion())];
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The enumeration ends only by <paramref name="cancellationToken"/> (throwing <see cref="OperationCanceledException"/>) or by an
    /// error that retrying cannot fix: a 4xx answer other than 408 and 429, e.g. too many keys (<see cref="HttpRequestException"/>).
    /// Network errors, 5xx answers, timeouts and malformed events are retried with backoff.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="keys"/> is empty or holds <c>default(SignalKey)</c> (thrown here, before anything is sent).</exception>
    public IAsyncEnumerable<SignalVersion> WatchAsync(IEnumerable<SignalKey> keys, CancellationToken cancellationToken = default)
        => new SignalsClientWatch(this, ClientArguments.CheckWatch(keys)).RunAsync(cancellationToken);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="key"/> is <c>default(SignalKey)</c>.</exception>
    /// <exception cref="HttpRequestException">The server could not be reached, or answered with an error other than 404.</exception>
    /// <exception cref="TimeoutException">The server did not answer within <see cref="SignalsClientOptions.RequestTimeout"/>.</exception>
    /// <exception cref="JsonException">The server's answer is not a value signal's JSON.</exception>
    public async ValueTask<SignalValue<JsonElement>?> GetValueAsync(SignalKey key, CancellationToken cancellationToken = default)
    {
        SignalKey.ThrowIfDefault(key);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_valuesUri, Uri.EscapeDataString(key.Value)));
        SignalValueResponse? body = await SendAsync(request, TimeSpan.Zero, static async (response, token) =>
        {
            // Nothing stored is a 404 of type value-not-found; any other 404 (e.g. no values endpoint mapped) is an error.
            return await EnsureSuccessAsync(response, token, SignalsProblemTypes.ValueNotFound).ConfigureAwait(false)
                ? await response.Content.ReadFromJsonAsync(SignalsJsonSerializerContext.Default.SignalValueResponse, token).ConfigureAwait(false)
                : null;
        }, cancellationToken).ConfigureAwait(false);

        return body is { Version: > 0, Value.ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } ? body.ToValue() : null;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="key"/> is <c>default(SignalKey)</c>.</exception>
    /// <exception cref="HttpRequestException">
    /// The server could not be reached, or answered with an error: 404/405 when it does not map value writes, 403 when the caller may not
    /// write the key, 400 <c>invalid-value</c> when the value is not of the declared type (the message holds the server's detail).
    /// </exception>
    /// <exception cref="TimeoutException">The server did not answer within <see cref="SignalsClientOptions.RequestTimeout"/>.</exception>
    public async ValueTask<SignalValue<JsonElement>> SetValueAsync(SignalKey key, JsonElement value, CancellationToken cancellationToken = default)
        => (await PutValueAsync(key, value, expectedVersion: null, cancellationToken).ConfigureAwait(false))!;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="key"/> is <c>default(SignalKey)</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expectedVersion"/> is negative.</exception>
    /// <exception cref="HttpRequestException">The server could not be reached, or answered with an error other than 412 <c>version-conflict</c>.</exception>
    /// <exception cref="TimeoutException">The server did not answer within <see cref="SignalsClientOptions.RequestTimeout"/>.</exception>
    public ValueTask<SignalValue<JsonElement>?> TrySetValueAsync(SignalKey key, JsonElement value, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        return PutValueAsync(key, value, expectedVersion, cancellationToken);
    }

    /// <summary>Puts a value, with <c>If-Match: "&lt;version&gt;"</c> when <paramref name="expectedVersion"/> is set; <see langword="null"/> on 412 <c>version-conflict</c>.</summary>
    private async ValueTask<SignalValue<JsonElement>?> PutValueAsync(SignalKey key, JsonElement value, long? expectedVersion, CancellationToken cancellationToken)
    {
        SignalKey.ThrowIfDefault(key);
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(_valuesUri, Uri.EscapeDataString(key.Value)))
        {
            Content = JsonContent.Create(value),
        };
        if (expectedVersion is { } version)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version.ToString(System.Globalization.CultureInfo.InvariantCulture)}\""));
        }

        SignalValueResponse? body = await SendAsync(request, TimeSpan.Zero, static async (response, token) =>
            await EnsureSuccessAsync(response, token, SignalsProblemTypes.VersionConflict).ConfigureAwait(false)
                ? await response.Content.ReadFromJsonAsync(SignalsJsonSerializerContext.Default.SignalValueResponse, token).ConfigureAwait(false)
                    ?? throw new JsonException("The value answer was JSON null.")
                : null,
            cancellationToken).ConfigureAwait(false);
        return body?.ToValue();
    }

    /// <summary>Posts a sync request and returns the whole answer (watches need <see cref="SyncMesh.ServerVersion"/> after a reset).</summary>
    internal async Task<SyncResponse> SendSyncAsync(IReadOnlyDictionary<SignalKey, long> known, TimeSpan wait, CancellationToken cancellationToken)
    {
        var body = new SyncRequest
        {
            Known = known,
            WaitMs = wait > TimeSpan.Zero ? (int)Math.Ceiling(wait.TotalMilliseconds) : null,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, _syncUri)
        {
            Content = JsonContent.Create(body, SignalsJsonSerializerContext.Default.SyncRequest),
        };
        return await SendAsync(request, wait, ReadSyncResponseAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Posts a request of the cursor form of sync (<c>POST {prefix}/changes</c>, offered by a server whose sync answers carry a
    /// <see cref="SyncResponse.Cursor"/>): the answer holds only the keys changed since <paramref name="cursor"/>, and the next cursor.
    /// </summary>
    internal async Task<SyncResponse> SendChangesAsync(IReadOnlyList<SignalKey> keys, string cursor, TimeSpan wait, CancellationToken cancellationToken)
    {
        var body = new SyncChangesRequest
        {
            Keys = keys,
            Cursor = cursor,
            WaitMs = wait > TimeSpan.Zero ? (int)Math.Ceiling(wait.TotalMilliseconds) : null,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, _changesUri)
        {
            Content = JsonContent.Create(body, SignalsJsonSerializerContext.Default.SyncChangesRequest),
        };
        return await SendAsync(request, wait, ReadSyncResponseAsync, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<SyncResponse> ReadSyncResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(SignalsJsonSerializerContext.Default.SyncResponse, cancellationToken).ConfigureAwait(false)
            ?? throw new JsonException("The sync response was JSON null.");
    }

    /// <summary>Creates a client of the named <see cref="HttpClientName"/> client.</summary>
    internal HttpClient CreateHttpClient() => _httpClientFactory.CreateClient(HttpClientName);

    /// <summary>Makes <see cref="SignalsClientMode.Auto"/> watches long-poll for <see cref="SignalsClientOptions.FallbackDuration"/>.</summary>
    internal void BlockStream(string reason)
    {
        Log.FallingBack(Logger, reason, Options.FallbackDuration);
        Volatile.Write(ref _streamBlockedUntil, (TimeProvider.GetUtcNow() + Options.FallbackDuration).UtcTicks);
    }

    /// <summary>
    /// Returns <see langword="true"/> when the response succeeded, <see langword="false"/> when it is a problem document whose
    /// <c>type</c> is <paramref name="expectedProblemType"/>, and otherwise throws <see cref="HttpRequestException"/> with the status
    /// and the problem's detail.
    /// </summary>
    internal static async Task<bool> EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken, string? expectedProblemType = null)
    {
        if (response.IsSuccessStatusCode)
        {
            return true;
        }

        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string detail = body.Length > 500 ? body[..500] : body;
        try
        {
            using var problem = JsonDocument.Parse(body);
            JsonElement root = problem.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (expectedProblemType is not null
                    && root.TryGetProperty("type", out JsonElement type)
                    && type.ValueKind == JsonValueKind.String
                    && type.ValueEquals(expectedProblemType))
                {
                    return false;
                }

                if ((root.TryGetProperty("detail", out JsonElement text) || root.TryGetProperty("title", out text)) && text.ValueKind == JsonValueKind.String)
                {
                    detail = text.GetString()!;
                }
            }
        }
        catch (JsonException)
        {
            // Not a problem document: report the start of the body as it is.
        }

        HttpRequestMessage? request = response.RequestMessage;
        throw new HttpRequestException(
            $"{request?.Method} {request?.RequestUri} answered {(int)response.StatusCode} ({response.StatusCode}): {detail}", null, response.StatusCode);
    }

    private async Task<T> SendAsync<T>(
        HttpRequestMessage request, TimeSpan wait, Func<HttpResponseMessage, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        TimeSpan budget = wait + Options.RequestTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(budget);
        try
        {
            using HttpClient http = CreateHttpClient();
            using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            return await read(response, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{request.Method} {request.RequestUri} did not answer within {budget}.", exception);
        }
    }
}
