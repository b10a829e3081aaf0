using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// The hub's reads of versions it does not hold: one query per read on a leased context of the application's type, through its
/// provider (<see cref="OutboxProvider.ReadVersionsAsync"/>).
/// </summary>
/// <typeparam name="TContext">The application's context type.</typeparam>
/// <param name="scopes">Creates a scope per read.</param>
/// <param name="registration">The context type's outbox registration (its options' name).</param>
/// <param name="options">The dispatcher options: <see cref="SignalsOutboxOptions.Stateless"/> and the long-poll's interval.</param>
internal sealed class OutboxVersionSource<TContext>(
    IServiceScopeFactory scopes, OutboxRegistration registration, IOptionsMonitor<SignalsOutboxOptions> options) : ISignalVersionSource
    where TContext : DbContext
{
    /// <inheritdoc/>
    public bool PublishesChanges => !options.Get(registration.OptionsName).Stateless;

    /// <inheritdoc/>
    public TimeSpan PollInterval => options.Get(registration.OptionsName).PollInterval ?? SignalsOutboxOptions.DefaultSafetyPollInterval;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SignalVersion>> ReadVersionsAsync(IReadOnlyList<SignalKey> keys, CancellationToken cancellationToken)
    {
        ContextLease lease = await ContextLease.CreateAsync<TContext>(scopes, cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            return await SignalsOptionsExtension.ProviderOf(lease.Context).ReadVersionsAsync(lease.Context, keys, cancellationToken).ConfigureAwait(false);
        }
    }
}
