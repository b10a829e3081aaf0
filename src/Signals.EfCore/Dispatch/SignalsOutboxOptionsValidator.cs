using Microsoft.Extensions.Options;

namespace Signals.EntityFrameworkCore;

/// <summary>Validates <see cref="SignalsOutboxOptions"/> (every name) at start-up: the checks are generated from its attributes.</summary>
[OptionsValidator]
internal sealed partial class SignalsOutboxOptionsValidator : IValidateOptions<SignalsOutboxOptions>;
