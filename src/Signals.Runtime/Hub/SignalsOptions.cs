using System.ComponentModel.DataAnnotations;

namespace Signals;

/// <summary>
/// Options for the Signals hub and protocol, bound from the <c>Signals</c> configuration section by <c>AddSignals()</c> and validated
/// at start-up (an invalid value throws <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> naming the option).
/// </summary>
public sealed class SignalsOptions : IValidatableObject
{
    /// <summary>The configuration section the options are bound from: <c>Signals</c>.</summary>
    public const string SectionName = "Signals";

    /// <summary>Gets or sets the name of this app instance, reported as <c>source</c> in sync responses.</summary>
    /// <remarks>The default is <c>{machine name}-{process id}</c>. Must not be empty or white space.</remarks>
    [Required(ErrorMessage = "{0} must not be empty or white space.")]
    public string InstanceId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Gets or sets the most keys one subscription (an SSE stream, a long-poll) may watch.</summary>
    /// <remarks>The default is 1,000. Memory per subscription is proportional to its keys, never to the write rate. Must be at least 1.</remarks>
    public int MaxKeysPerSubscription { get; set; } = 1_000;

    /// <inheritdoc/>
    /// <remarks>Checks what attributes cannot say in a clear message: <see cref="MaxKeysPerSubscription"/> is at least 1.</remarks>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxKeysPerSubscription < 1)
        {
            yield return new ValidationResult(
                $"{nameof(SignalsOptions)}.{nameof(MaxKeysPerSubscription)} must be at least 1; it is {MaxKeysPerSubscription}.",
                [nameof(MaxKeysPerSubscription)]);
        }
    }
}
