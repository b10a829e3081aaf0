using Microsoft.Extensions.Options;

namespace Signals.AspNetCore;

/// <summary>Validates <see cref="SignalsEndpointOptions"/> at start-up (registered by <c>AddHttpEndpoints()</c>): the checks are generated from its attributes.</summary>
[OptionsValidator]
internal sealed partial class SignalsEndpointOptionsValidator : IValidateOptions<SignalsEndpointOptions>;
