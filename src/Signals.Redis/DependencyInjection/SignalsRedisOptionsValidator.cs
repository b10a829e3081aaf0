using Microsoft.Extensions.Options;

namespace Signals.Redis;

/// <summary>Validates <see cref="SignalsRedisOptions"/> (every name) at start-up: the checks are generated from its attributes.</summary>
[OptionsValidator]
internal sealed partial class SignalsRedisOptionsValidator : IValidateOptions<SignalsRedisOptions>;
