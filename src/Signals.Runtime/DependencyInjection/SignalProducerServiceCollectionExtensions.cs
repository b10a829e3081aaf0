using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Signals;

// ReSharper disable once CheckNamespace
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Extension methods for declaring server-side signal producers on an <see cref="ISignalsBuilder"/>.</summary>
public static class SignalProducerServiceCollectionExtensions
{
    /// <summary>
    /// Adds a producer of the keys of <paramref name="template"/>: a server-side source that runs while a subscriber anywhere in the
    /// cluster watches its key, as exactly one copy across instances, and writes the key through <see cref="SignalEmitter"/>.
    /// </summary>
    /// <typeparam name="TArgs">
    /// The producer's arguments: a type with one public constructor whose parameters are named after the template's placeholders, in
    /// any order and case, e.g. <c>record RoomArgs(string RoomId)</c> for <c>time:room:{RoomId}</c>. A parameter may be a string, an
    /// integer, a Boolean, a <see cref="Guid"/>, an enum, a <see cref="DateOnly"/> or a <see cref="DateTimeOffset"/> (or nullable).
    /// </typeparam>
    /// <param name="builder">The Signals builder.</param>
    /// <param name="template">The pattern of a declared signal, e.g. <c>time:room:{RoomId}</c> (see <see cref="SignalDescriptor.Pattern"/>).</param>
    /// <param name="produce">
    /// The producer: given the key's arguments, the emitter and a token, it writes the key for as long as it runs. The token is
    /// canceled when nobody has watched the key for the grace period, when this instance loses the key's lock, or when the app stops:
    /// return (or throw <see cref="OperationCanceledException"/>) then. If it throws anything else it is restarted after a back-off
    /// (<see cref="SignalProducerOptions"/>); if it returns, it is done until the key is next watched after a pause.
    /// </param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="template"/> or <paramref name="produce"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="template"/> is not a key template (literal segments and <c>{Name}</c> placeholders joined by <c>:</c>).</exception>
    /// <remarks>
    /// <para>The app's start fails with an <see cref="InvalidOperationException"/> when <paramref name="template"/> is not the pattern of a
    /// declared signal (unless the app declares none) or <typeparamref name="TArgs"/> does not take its placeholders.</para>
    /// <para>Exactly one copy runs per key among the instances that share the app's locks: with <c>AddEntityFrameworkCoreOutbox</c> a
    /// PostgreSQL advisory lock or a lock file beside the SQLite database; otherwise (the in-memory stores) one per app.</para>
    /// </remarks>
    public static ISignalsBuilder AddSignalProducer<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TArgs>(
        this ISignalsBuilder builder, string template, Func<TArgs, SignalEmitter, CancellationToken, Task> produce)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(produce);
        if (!IsTemplate(template))
        {
            throw new ArgumentException(
                $"'{template}' is not a key template: use literal segments ([A-Za-z0-9_.-]) and {{Name}} placeholders joined by ':', e.g. 'time:room:{{RoomId}}'.",
                nameof(template));
        }

        IServiceCollection services = builder.Services;
        services.AddSingleton(SignalProducerRegistration.Create(template, produce));
        if (services.Any(static d => d.ServiceType == typeof(SignalProducers)))
        {
            return builder;
        }

        services.AddOptions<SignalProducerOptions>().BindConfiguration(SignalProducerOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignalProducerOptions>, SignalProducerOptionsValidator>());
        services.TryAddSingleton<ProducerLocks, InProcessProducerLocks>();
        services.AddSingleton(static sp => new SignalProducers(
            sp.GetRequiredService<SignalHub>(),
            sp.GetRequiredService<SignalCatalog>(),
            sp.GetServices<SignalProducerRegistration>(),
            sp.GetRequiredService<ProducerLocks>(),
            sp.GetRequiredService<ISignalValueStore>(),
            sp.GetRequiredService<ISignalStore>(),
            sp.GetRequiredService<IOptions<SignalProducerOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<SignalsMetrics>(),
            sp.GetRequiredService<ILogger<SignalProducers>>(),
            sp));
        services.AddSingleton<IHostedService>(static sp => sp.GetRequiredService<SignalProducers>());
        return builder;
    }

    /// <summary>Adds a producer of the keys of <paramref name="template"/> whose delegate takes the key itself.</summary>
    /// <param name="builder">The Signals builder.</param>
    /// <param name="template">The pattern of a declared signal, e.g. <c>app:heartbeat</c>.</param>
    /// <param name="produce">The producer, given the key (see <see cref="AddSignalProducer{TArgs}"/>).</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="template"/> or <paramref name="produce"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="template"/> is not a key template.</exception>
    public static ISignalsBuilder AddSignalProducer(this ISignalsBuilder builder, string template, Func<SignalKey, SignalEmitter, CancellationToken, Task> produce)
        => builder.AddSignalProducer<SignalKey>(template, produce);

    private static bool IsTemplate(string template)
        => template.Length > 0 && template.Split(SignalKey.Separator).All(static segment =>
            segment.Length > 2 && segment[0] == '{' && segment[^1] == '}' ? segment[1..^1].All(static c => char.IsAsciiLetterOrDigit(c) || c == '_') : SignalKey.TryParse(segment, out _));
}
