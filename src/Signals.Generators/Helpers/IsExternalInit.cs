namespace System.Runtime.CompilerServices;

/// <summary>Lets netstandard2.0 code declare <c>init</c> accessors and records.</summary>
internal static class IsExternalInit
{
}
