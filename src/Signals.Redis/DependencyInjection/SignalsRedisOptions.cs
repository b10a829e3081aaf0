using System.ComponentModel.DataAnnotations;

namespace Signals.Redis;

/// <summary>
/// Options of the Redis wake-ups of one context type's outbox: configured by <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;().AddRedis(configure)</c>
/// and bound from the configuration section <c>Signals:Redis</c> (named options, one name per context type: its full name). Validated
/// at start-up.
/// </summary>
public sealed class SignalsRedisOptions : IValidatableObject
{
    /// <summary>The configuration section the options are bound from: <c>Signals:Redis</c>.</summary>
    public const string SectionName = "Signals:Redis";

    /// <summary>Gets or sets the StackExchange.Redis configuration string, such as <c>redis.internal:6379,password=…</c>. Required.</summary>
    /// <remarks>
    /// <para>
    /// Must parse (StackExchange.Redis <c>ConfigurationOptions.Parse</c>) and name at least one endpoint. <c>abortConnect</c> is always
    /// <see langword="false"/>: while Redis is unreachable (at start-up or later) the outage is logged, changes from other instances
    /// arrive with the safety poll (or <c>NOTIFY</c>), and StackExchange.Redis reconnects in the background; once reconnected, the
    /// dispatcher reads whatever it missed. The health check's data reports whether Redis is connected; an outage alone does not
    /// degrade it.
    /// </para>
    /// <para>The dispatcher opens a Redis connection of its own.</para>
    /// </remarks>
    public string? Configuration { get; set; }

    /// <summary>Gets or sets the Redis channel the wake-ups are published and subscribed on.</summary>
    /// <remarks>
    /// The default is <c>signals</c>; must not be empty. Redis channels are server-wide, not per database: apps that share a Redis
    /// server but not a database give each database its own channel (or a <c>channelPrefix=</c> in <see cref="Configuration"/>), or they
    /// wake each other needlessly.
    /// </remarks>
    [Required]
    [MinLength(1)]
    public string Channel { get; set; } = "signals";

    /// <inheritdoc/>
    /// <remarks>Checks what attributes cannot say: <see cref="Configuration"/> parses and names an endpoint.</remarks>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!RedisWakeupRelay.IsValidConfiguration(Configuration))
        {
            yield return new ValidationResult(
                $"{nameof(SignalsRedisOptions)}.{nameof(Configuration)} must be a StackExchange.Redis configuration string naming at least one endpoint, such as \"localhost:6379\".",
                [nameof(Configuration)]);
        }
    }
}
