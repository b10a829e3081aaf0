using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Metadata.Conventions.Infrastructure;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>Adds <see cref="PostgreSqlOutboxConvention"/> to EF Core's conventions, first among the model-finalizing ones, so that Npgsql's own (value generation) see the id default.</summary>
internal sealed class PostgreSqlOutboxConventionSetPlugin : IConventionSetPlugin
{
    /// <inheritdoc/>
    public ConventionSet ModifyConventions(ConventionSet conventionSet)
    {
        ArgumentNullException.ThrowIfNull(conventionSet);
        conventionSet.ModelFinalizingConventions.Insert(0, new PostgreSqlOutboxConvention());
        return conventionSet;
    }
}
