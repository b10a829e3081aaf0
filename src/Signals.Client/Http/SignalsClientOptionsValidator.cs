using Microsoft.Extensions.Options;

namespace Signals.Client;

/// <summary>Validates <see cref="SignalsClientOptions"/> (registered by <c>AddSignalsClient()</c>): the checks are generated from its attributes.</summary>
[OptionsValidator]
internal sealed partial class SignalsClientOptionsValidator : IValidateOptions<SignalsClientOptions>;
