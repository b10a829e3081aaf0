using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Signals.EntityFrameworkCore;

namespace Signals.EndToEnd.Tests;

/// <summary>
/// One instance of a small app on real Kestrel with two PostgreSQL databases: the app's own (<see cref="MainDb"/>, namespace <c>main</c>)
/// and one tenant's (<see cref="AcmeDb"/>, namespace <c>acme</c>, mapped with <c>MapNamespace("acme", ns =&gt; ns.UseEntityFrameworkCore&lt;AcmeDb&gt;())</c>).
/// Value writes are mapped (<c>MapSignalValueWrites</c>, a policy every caller satisfies) for a value signal in each namespace.
/// </summary>
internal sealed class TenantInstance : IAsyncDisposable
{
    /// <summary>The declared signals: one family and one value signal per namespace.</summary>
    public static readonly SignalCatalog Catalog = new([
        new SignalDescriptor("main:note:{Id}", "Tests.Note", SignalKind.Family),
        new SignalDescriptor("main:theme", "Tests.Theme", SignalKind.Value),
        new SignalDescriptor("acme:doc:{Id}", "Tests.Doc", SignalKind.Family),
        new SignalDescriptor("acme:setting:{Name}", "Tests.Setting", SignalKind.Value),
    ]);

    private const string Writers = "anyone";

    private readonly WebApplication _app;

    private TenantInstance(WebApplication app, Uri baseAddress)
    {
        _app = app;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts an instance.</summary>
    /// <param name="instanceId">The instance's name.</param>
    /// <param name="main">The app's database.</param>
    /// <param name="tenant">The tenant's database.</param>
    /// <param name="tenantHearsOthers">
    /// <see langword="false"/>: the tenant's dispatcher neither listens nor polls within a test (a 5-minute poll, no <c>LISTEN</c>), so
    /// this instance lags behind every tenant change another instance makes, as far behind as a lagging instance can be.
    /// </param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    public static async Task<TenantInstance> StartAsync(string instanceId, string main, string tenant, bool tenantHearsOthers, CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(
            ["--urls", "http://127.0.0.1:0", "--Signals:InstanceId", instanceId, "--Logging:LogLevel:Default", "Warning"]);
        builder.Services.AddSingleton(Catalog);
        builder.Services.AddDbContext<MainDb>(o => o.UseNpgsql(main));
        builder.Services.AddDbContext<AcmeDb>(o => o.UseNpgsql(tenant));
        builder.Services.AddAuthorization(o => o.AddPolicy(Writers, p => p.RequireAssertion(static _ => true)));
        builder.Services.AddSignals().AddHttpEndpoints()
            .MapNamespace("acme", ns =>
            {
                if (tenantHearsOthers)
                {
                    ns.UseEntityFrameworkCore<AcmeDb>().UsePostgreSql();
                }
                else
                {
                    ns.UseEntityFrameworkCore<AcmeDb>(o => o.PollInterval = TimeSpan.FromMinutes(5)).UsePostgreSql(p => p.UsePollingDispatcher = true);
                }
            })
            .AddEntityFrameworkCoreOutbox<MainDb>().UsePostgreSql();
        WebApplication app = builder.Build();
        app.MapSignals("/signals").AllowAnonymous().MapSignalValueWrites(Writers);
        await app.StartAsync(cancellationToken);
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new TenantInstance(app, new Uri(address));
    }

    /// <summary>Creates both databases' tables.</summary>
    public static async Task CreateSchemaAsync(string main, string tenant, CancellationToken cancellationToken)
    {
        await using (var db = new MainDb(new DbContextOptionsBuilder<MainDb>().UseNpgsql(main).UseSignals(s => s.UsePostgreSql()).Options))
        {
            await db.Database.EnsureCreatedAsync(cancellationToken);
        }

        await using var acme = new AcmeDb(new DbContextOptionsBuilder<AcmeDb>().UseNpgsql(tenant).UseSignals(s => s.UsePostgreSql()).Options);
        await acme.Database.EnsureCreatedAsync(cancellationToken);
    }

    /// <summary>Saves a document through the tenant's context, as a request of this instance would.</summary>
    public async Task SaveDocAsync(string id, string text, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = _app.Services.CreateAsyncScope();
        AcmeDb db = scope.ServiceProvider.GetRequiredService<AcmeDb>();
        Doc? doc = await db.Docs.FindAsync([id], cancellationToken);
        if (doc is null)
        {
            db.Docs.Add(new Doc { Id = id, Text = text });
        }
        else
        {
            doc.Text = text;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Saves a note through the app's context.</summary>
    public async Task SaveNoteAsync(string id, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = _app.Services.CreateAsyncScope();
        MainDb db = scope.ServiceProvider.GetRequiredService<MainDb>();
        db.Notes.Add(new Note { Id = id });
        await db.SaveChangesAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }

    /// <summary>A note of the app: key <c>main:note:{Id}</c>.</summary>
    public sealed class Note : ISignalSource
    {
        public string Id { get; set; } = string.Empty;

        public static SignalKey Key(string id) => SignalKey.Create("main:note", id);

        void ISignalSource.AddSignalKeys(ISignalValueReader values, ICollection<SignalKey> keys) => keys.Add(Key(values.GetValue<string>(nameof(Id))));
    }

    /// <summary>A document of tenant Acme: key <c>acme:doc:{Id}</c>.</summary>
    public sealed class Doc : ISignalSource
    {
        public string Id { get; set; } = string.Empty;

        public string Text { get; set; } = string.Empty;

        public static SignalKey Key(string id) => SignalKey.Create("acme:doc", id);

        void ISignalSource.AddSignalKeys(ISignalValueReader values, ICollection<SignalKey> keys) => keys.Add(Key(values.GetValue<string>(nameof(Id))));
    }

    /// <summary>The app's context.</summary>
    public sealed class MainDb(DbContextOptions<MainDb> options) : DbContext(options)
    {
        public DbSet<Note> Notes => Set<Note>();

        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddSignalsOutbox();
    }

    /// <summary>Tenant Acme's context, on its own database.</summary>
    public sealed class AcmeDb(DbContextOptions<AcmeDb> options) : DbContext(options)
    {
        public DbSet<Doc> Docs => Set<Doc>();

        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddSignalsOutbox();
    }
}
