namespace Signals.Generators.Models;

/// <summary>The typed client accessors of one annotated type: an extension method over <c>ISignalsClient</c> (and a struct for entity signals).</summary>
/// <param name="Accessibility">The accessors' accessibility: <c>public</c>, or <c>internal</c> when the type is not visible outside its assembly.</param>
/// <param name="TypeName">
/// The generated top-level names' stem: the type's name after its containing types' names, e.g. <c>OuterChatMessage</c> for
/// <c>OuterChatMessageSignals</c> and <c>OuterChatMessageSignalsClientExtensions</c>.
/// </param>
/// <param name="MethodName">The extension method's name: the type's simple name, <c>@</c>-escaped when it is a keyword.</param>
internal sealed record ClientModel(string Accessibility, string TypeName, string MethodName);
