using Microsoft.Extensions.Options;

namespace Signals.AspNetCore.Tenancy;

/// <summary>Validates <see cref="SignalTenancyOptions"/> at start-up (registered by <c>AddTenantResolver(…)</c>): the checks are generated from its attributes.</summary>
[OptionsValidator]
internal sealed partial class SignalTenancyOptionsValidator : IValidateOptions<SignalTenancyOptions>;
