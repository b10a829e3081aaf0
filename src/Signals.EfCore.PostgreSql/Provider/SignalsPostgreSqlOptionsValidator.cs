using Microsoft.Extensions.Options;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>Validates <see cref="SignalsPostgreSqlOptions"/> (every name) at start-up: the checks are generated from its attributes.</summary>
[OptionsValidator]
internal sealed partial class SignalsPostgreSqlOptionsValidator : IValidateOptions<SignalsPostgreSqlOptions>;
