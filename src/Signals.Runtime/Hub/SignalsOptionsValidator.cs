using Microsoft.Extensions.Options;

namespace Signals;

/// <summary>Validates <see cref="SignalsOptions"/> at start-up (registered by <c>AddSignals()</c>): the checks are generated from its attributes.</summary>
[OptionsValidator]
internal sealed partial class SignalsOptionsValidator : IValidateOptions<SignalsOptions>;
