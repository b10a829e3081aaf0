using System.Security.Cryptography;
using System.Text;

namespace Signals.EntityFrameworkCore.Sqlite;

/// <summary>
/// Producer locks as exclusive locks on files beside the SQLite database: the lock of a key is its file in
/// <c>{database file}.producers/</c>, opened with <see cref="FileShare.None"/>, which .NET takes as an exclusive <c>flock</c> on Unix
/// and a share-mode lock on Windows. The operating system drops it when the handle closes, including when the process dies, so a killed
/// owner frees its keys.
/// </summary>
/// <remarks>
/// <para>
/// Instances that share a SQLite file run on one host (SQLite's own locks need a local file system), so a file lock there is
/// cluster-wide. A file is named after the first 16 bytes of the SHA-256 of the key, in hex; files are kept after release (removing a
/// lock file another process has opened would let two holders lock two different files), one small empty file per key ever produced.
/// </para>
/// </remarks>
/// <param name="directory">The directory of the lock files; created on first use.</param>
internal sealed class FileProducerLocks(string directory) : ProducerLocks
{
    /// <summary>Gets the directory of the lock files.</summary>
    public string Directory { get; } = directory;

    /// <inheritdoc/>
    public override string Name => $"lock files in {Directory}";

    /// <inheritdoc/>
    /// <exception cref="IOException">The directory cannot be created, or the file cannot be opened for another reason than another holder's lock.</exception>
    public override ValueTask<ProducerLease?> TryAcquireAsync(SignalKey key, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        string path = Path.Combine(Directory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.Value)).AsSpan(0, 16)) + ".lock");
        try
        {
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
            return ValueTask.FromResult<ProducerLease?>(new Lease(file));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another holder has it (the sharing violation has no portable error code of its own).
            return ValueTask.FromResult<ProducerLease?>(null);
        }
    }

    /// <inheritdoc/>
    /// <remarks>Nothing to close: each lease holds its own lock.</remarks>
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class Lease(FileStream file) : ProducerLease
    {
        public override CancellationToken Lost => CancellationToken.None;

        public override ValueTask DisposeAsync() => file.DisposeAsync();
    }
}
