using System.Reflection;
using System.Text.RegularExpressions;
using Signals.Testing;

namespace Signals.Generators.Tests;

/// <summary>
/// The checked-in snapshots are laid out as Verify.SourceGenerators lays them out (see <see cref="SnapshotAssert"/>), so moving to
/// Verify leaves them as they are: <c>_snapshots/{Class}.{Test}#{HintName without .cs}.verified.cs</c>, first line
/// <c>//HintName: {HintName}</c>, and none left behind by a test that no longer exists (Verify reports those as dangling).
/// </summary>
public sealed partial class SnapshotLayoutTests
{
    [Fact]
    public void Every_snapshot_is_named_and_headed_as_verify_writes_it_and_belongs_to_a_test()
    {
        string directory = Path.Combine(RepositoryPaths.Root, "tests", "Signals.Generators.Tests", "_snapshots");
        // A .received.cs file is the transient output of a failing snapshot test (which fails on its own, and deletes it once it
        // passes); it is git-ignored, so it is not part of the layout.
        string[] snapshots = [.. Directory.GetFiles(directory).Where(static path => !path.Contains(".received.", StringComparison.Ordinal))];
        Assert.NotEmpty(snapshots);

        foreach (string path in snapshots)
        {
            string file = Path.GetFileName(path);
            Match name = SnapshotName().Match(file);
            Assert.True(name.Success, $"{file} is not named {{Class}}.{{Test}}#{{HintName}}.verified.cs.");

            Type? testClass = typeof(SnapshotLayoutTests).Assembly.GetType($"{typeof(SnapshotLayoutTests).Namespace}.{name.Groups["class"].Value}");
            MethodInfo? test = testClass?.GetMethod(name.Groups["test"].Value);
            Assert.True(test?.GetCustomAttribute<FactAttribute>() is not null, $"{file} belongs to no test: {name.Groups["class"].Value}.{name.Groups["test"].Value} is not a [Fact].");

            string firstLine = File.ReadLines(path).First();
            Assert.Equal($"//HintName: {name.Groups["hint"].Value}.cs", firstLine);
        }
    }

    [GeneratedRegex(@"^(?<class>[A-Za-z_][A-Za-z0-9_]*)\.(?<test>[A-Za-z_][A-Za-z0-9_]*)#(?<hint>.+)\.verified\.cs$")]
    private static partial Regex SnapshotName();
}
