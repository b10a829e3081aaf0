using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// A context for background work: from an <see cref="IDbContextFactory{TContext}"/> when one is registered, otherwise the scoped
/// <typeparamref name="TContext"/> of a new scope. Disposing it disposes both.
/// </summary>
/// <typeparam name="TContext">The application's context type.</typeparam>
internal sealed class ContextLease<TContext> : IAsyncDisposable
    where TContext : DbContext
{
    private readonly AsyncServiceScope _scope;
    private readonly bool _ownsContext;

    private ContextLease(AsyncServiceScope scope, TContext context, bool ownsContext)
    {
        _scope = scope;
        Context = context;
        _ownsContext = ownsContext;
    }

    /// <summary>Gets the context.</summary>
    public TContext Context { get; }

    /// <summary>Creates a lease.</summary>
    /// <param name="scopes">Creates the scope.</param>
    /// <param name="cancellationToken">Cancels creating the context.</param>
    /// <returns>The lease.</returns>
    /// <exception cref="InvalidOperationException">Neither <typeparamref name="TContext"/> nor a factory of it is registered.</exception>
    public static async Task<ContextLease<TContext>> CreateAsync(IServiceScopeFactory scopes, CancellationToken cancellationToken)
    {
        AsyncServiceScope scope = scopes.CreateAsyncScope();
        try
        {
            if (scope.ServiceProvider.GetService<IDbContextFactory<TContext>>() is { } factory)
            {
                return new ContextLease<TContext>(scope, await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false), ownsContext: true);
            }

            return new ContextLease<TContext>(scope, scope.ServiceProvider.GetRequiredService<TContext>(), ownsContext: false);
        }
        catch
        {
            await scope.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_ownsContext)
        {
            await Context.DisposeAsync().ConfigureAwait(false);
        }

        await _scope.DisposeAsync().ConfigureAwait(false);
    }
}
