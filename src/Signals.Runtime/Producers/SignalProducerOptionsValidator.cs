using Microsoft.Extensions.Options;

namespace Signals;

/// <summary>Validates <see cref="SignalProducerOptions"/> at start-up: the checks are generated from its attributes.</summary>
[OptionsValidator]
internal sealed partial class SignalProducerOptionsValidator : IValidateOptions<SignalProducerOptions>;
