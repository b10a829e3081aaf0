using Microsoft.Extensions.Options;

namespace Signals.Client;

/// <summary>Validates <see cref="SignalsClientOptions"/> (registered by <c>AddSignalsClient()</c>).</summary>
internal sealed class SignalsClientOptionsValidator : IValidateOptions<SignalsClientOptions>
{
    private static readonly TimeSpan MaxInterval = TimeSpan.FromHours(24);

    public static SignalsClientOptionsValidator Instance { get; } = new();

    public ValidateOptionsResult Validate(string? name, SignalsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> failures = [];
        if (options.BaseAddress is not { IsAbsoluteUri: true } address || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"SignalsClientOptions.BaseAddress must be an absolute http or https URI; it is '{options.BaseAddress}'.");
        }

        if (string.IsNullOrWhiteSpace(options.PathPrefix) || options.PathPrefix.AsSpan().ContainsAny('?', '#'))
        {
            failures.Add($"SignalsClientOptions.PathPrefix must be a non-empty path without a query or fragment, e.g. '/signals'; it is '{options.PathPrefix}'.");
        }

        if (!Enum.IsDefined(options.Mode))
        {
            failures.Add($"SignalsClientOptions.Mode must be Auto, Sse, LongPoll or Polling; it is {(int)options.Mode}.");
        }

        Between(failures, nameof(options.StreamOpenTimeout), options.StreamOpenTimeout, TimeSpan.FromTicks(1));
        Between(failures, nameof(options.StreamIdleTimeout), options.StreamIdleTimeout, TimeSpan.FromTicks(1));
        Between(failures, nameof(options.FallbackDuration), options.FallbackDuration, TimeSpan.Zero);
        Between(failures, nameof(options.LongPollWait), options.LongPollWait, TimeSpan.FromMilliseconds(1));
        Between(failures, nameof(options.PollingInterval), options.PollingInterval, TimeSpan.FromMilliseconds(1));
        Between(failures, nameof(options.ReconnectDelay), options.ReconnectDelay, TimeSpan.Zero);
        Between(failures, nameof(options.MaxReconnectDelay), options.MaxReconnectDelay, options.ReconnectDelay < TimeSpan.Zero ? TimeSpan.Zero : options.ReconnectDelay);
        Between(failures, nameof(options.RequestTimeout), options.RequestTimeout, TimeSpan.FromTicks(1));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Between(List<string> failures, string property, TimeSpan value, TimeSpan min)
    {
        if (value < min || value > MaxInterval)
        {
            failures.Add($"SignalsClientOptions.{property} must be between {min} and {MaxInterval}; it is {value}.");
        }
    }
}
