using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// A context for background work: from an <see cref="IDbContextFactory{TContext}"/> when one is registered, otherwise the scoped
/// context of a new scope. Disposing it disposes both.
/// </summary>
internal sealed class ContextLease : IAsyncDisposable
{
    private readonly AsyncServiceScope _scope;
    private readonly bool _ownsContext;

    private ContextLease(AsyncServiceScope scope, DbContext context, bool ownsContext)
    {
        _scope = scope;
        Context = context;
        _ownsContext = ownsContext;
    }

    /// <summary>Gets the context.</summary>
    public DbContext Context { get; }

    /// <summary>Creates a lease on a context of type <typeparamref name="TContext"/>.</summary>
    /// <typeparam name="TContext">The application's context type.</typeparam>
    /// <param name="scopes">Creates the scope.</param>
    /// <param name="cancellationToken">Cancels creating the context.</param>
    /// <returns>The lease.</returns>
    /// <exception cref="InvalidOperationException">Neither <typeparamref name="TContext"/> nor a factory of it is registered.</exception>
    public static async Task<ContextLease> CreateAsync<TContext>(IServiceScopeFactory scopes, CancellationToken cancellationToken)
        where TContext : DbContext
    {
        AsyncServiceScope scope = scopes.CreateAsyncScope();
        try
        {
            if (scope.ServiceProvider.GetService<IDbContextFactory<TContext>>() is { } factory)
            {
                return new ContextLease(scope, await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false), ownsContext: true);
            }

            return new ContextLease(scope, scope.ServiceProvider.GetRequiredService<TContext>(), ownsContext: false);
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
