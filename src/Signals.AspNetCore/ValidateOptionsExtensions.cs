using Microsoft.Extensions.Options;

namespace Signals.AspNetCore;

/// <summary>Runs an options validator where the options are used (<c>MapSignals()</c>), not only at start-up.</summary>
internal static class ValidateOptionsExtensions
{
    /// <summary>Throws when <paramref name="options"/> is invalid.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid; the message lists every failure.</exception>
    public static void ThrowIfInvalid<TOptions>(this IValidateOptions<TOptions> validator, TOptions options)
        where TOptions : class
    {
        ValidateOptionsResult result = validator.Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(TOptions), result.Failures);
        }
    }
}
