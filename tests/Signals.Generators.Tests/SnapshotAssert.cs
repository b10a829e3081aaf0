namespace Signals.Generators.Tests;

/// <summary>
/// Compares text with a checked-in snapshot, using Verify's file naming (<c>{name}.verified.cs</c>, <c>{name}.received.cs</c> on a mismatch)
/// so that Verify.SourceGenerators can replace this helper where it can be restored.
/// </summary>
/// <remarks>Set <c>SIGNALS_ACCEPT_SNAPSHOTS=1</c> to write the actual text as the new verified snapshot; review the diff before committing.</remarks>
internal static class SnapshotAssert
{
    /// <summary>The environment variable that accepts the actual text as the verified snapshot.</summary>
    public const string AcceptVariable = "SIGNALS_ACCEPT_SNAPSHOTS";

    /// <summary>Asserts that <paramref name="actual"/> equals <c>{directory}/{name}.verified.cs</c>.</summary>
    public static void Match(string directory, string name, string actual)
    {
        string verifiedPath = Path.Combine(directory, name + ".verified.cs");
        string receivedPath = Path.Combine(directory, name + ".received.cs");

        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verifiedPath, actual);
            File.Delete(receivedPath);
            return;
        }

        string? verified = File.Exists(verifiedPath) ? File.ReadAllText(verifiedPath).ReplaceLineEndings("\n") : null;
        if (verified == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        Directory.CreateDirectory(directory);
        File.WriteAllText(receivedPath, actual);
        Assert.Fail(verified is null
            ? $"No snapshot {verifiedPath}.\nThe actual text is in {receivedPath}; review it and rename it to .verified.cs, or rerun with {AcceptVariable}=1."
            : $"Snapshot mismatch for {verifiedPath} ({FirstDifference(verified, actual)}).\nThe actual text is in {receivedPath}; diff the two files, "
              + $"then rename it to .verified.cs or rerun with {AcceptVariable}=1 if the change is intended.");
    }

    private static string FirstDifference(string expected, string actual)
    {
        string[] expectedLines = expected.Split('\n');
        string[] actualLines = actual.Split('\n');
        for (int i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            string? e = i < expectedLines.Length ? expectedLines[i] : null;
            string? a = i < actualLines.Length ? actualLines[i] : null;
            if (e != a)
            {
                return $"first difference at line {i + 1}: expected `{e ?? "<end of file>"}`, actual `{a ?? "<end of file>"}`";
            }
        }

        return "line endings differ";
    }
}
