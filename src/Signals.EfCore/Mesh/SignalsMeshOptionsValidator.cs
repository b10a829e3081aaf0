using Microsoft.Extensions.Options;

namespace Signals.EntityFrameworkCore;

/// <summary>Validates <see cref="SignalsMeshOptions"/> at start-up: the checks are generated from its attributes.</summary>
[OptionsValidator]
internal sealed partial class SignalsMeshOptionsValidator : IValidateOptions<SignalsMeshOptions>;
