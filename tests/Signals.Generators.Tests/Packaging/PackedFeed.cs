using System.Globalization;
using Signals.Testing;

namespace Signals.Generators.Tests.Packaging;

/// <summary>
/// Every package of the repository, packed once per test class with <c>dotnet pack Signals.sln --no-build</c> (as README tells a
/// contributor to) into a local feed in a temporary directory, under a version of its own so no run ever restores a stale package.
/// </summary>
/// <remarks>
/// <c>--no-build</c> packs what the test run built: this project references every package project, so they are built before it.
/// </remarks>
public sealed class PackedFeed : IAsyncLifetime
{
#if DEBUG
    /// <summary>The configuration these tests (and so the packages) were built in.</summary>
    public const string Configuration = "Debug";
#else
    /// <summary>The configuration these tests (and so the packages) were built in.</summary>
    public const string Configuration = "Release";
#endif

    /// <summary>Gets a temporary directory that holds the feed; removed on dispose.</summary>
    public string WorkDirectory { get; } = Path.Combine(Path.GetTempPath(), "signals-package-" + Guid.NewGuid().ToString("N"));

    /// <summary>Gets the feed: a folder of <c>.nupkg</c> and <c>.snupkg</c> files.</summary>
    public string Feed => Path.Combine(WorkDirectory, "feed");

    /// <summary>Gets the version every package was packed with.</summary>
    public string Version { get; } = "0.0.0-packagetest." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// <summary>Gets what <c>dotnet pack</c> printed.</summary>
    public string PackOutput { get; private set; } = "";

    /// <summary>Gets the path of a package in the feed.</summary>
    /// <param name="id">The package id.</param>
    /// <param name="extension"><c>nupkg</c>, or <c>snupkg</c> for its symbols.</param>
    /// <returns>The path (it may not exist).</returns>
    public string PathOf(string id, string extension = "nupkg") => Path.Combine(Feed, $"{id}.{Version}.{extension}");

    /// <inheritdoc/>
    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        PackOutput = await Dotnet.RunAsync(
            RepositoryPaths.Root,
            TestContext.Current.CancellationToken,
            "pack", "Signals.sln", "--no-build", "-c", Configuration, "-o", Feed, $"-p:PackageVersion={Version}");
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Directory.Delete(WorkDirectory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
