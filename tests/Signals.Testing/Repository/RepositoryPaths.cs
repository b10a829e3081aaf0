namespace Signals.Testing;

/// <summary>Paths in the repository these tests were built from.</summary>
public static class RepositoryPaths
{
    /// <summary>Gets the repository's root: the nearest directory above the test binaries that holds <c>Signals.sln</c>.</summary>
    /// <exception cref="InvalidOperationException">No directory above the binaries holds <c>Signals.sln</c> (thrown on first use).</exception>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Signals.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Signals.sln above {AppContext.BaseDirectory}.");
    }
}
