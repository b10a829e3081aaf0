namespace Signals;

/// <summary>Reads property values of one state of an entity, for <see cref="ISignalSource.AddSignalKeys"/>.</summary>
public interface ISignalValueReader
{
    /// <summary>Gets the value of a property.</summary>
    /// <typeparam name="T">The property's CLR type.</typeparam>
    /// <param name="propertyName">The property's name, as declared on the type.</param>
    /// <returns>The property's value in the state being read.</returns>
    T GetValue<T>(string propertyName);
}
