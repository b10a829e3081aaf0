using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Xml.Linq;

namespace Signals.Generators.Tests.Packaging;

/// <summary>A <c>.nupkg</c> or <c>.snupkg</c> opened for reading: its manifest (<c>.nuspec</c>) and its files.</summary>
internal sealed class NuGetPackage : IDisposable
{
    /// <summary>The kind of the PDB's custom debug information that holds the SourceLink JSON (Portable PDB format).</summary>
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    private readonly ZipArchive _archive;
    private readonly XElement _metadata;

    /// <summary>Opens a package.</summary>
    /// <param name="path">The <c>.nupkg</c> or <c>.snupkg</c> file.</param>
    public NuGetPackage(string path)
    {
        _archive = ZipFile.OpenRead(path);
        ZipArchiveEntry nuspec = _archive.Entries.Single(e => !e.FullName.Contains('/', StringComparison.Ordinal) && e.Name.EndsWith(".nuspec", StringComparison.Ordinal));
        using Stream stream = nuspec.Open();
        _metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    /// <summary>Gets the paths of the package's files, with <c>/</c> separators.</summary>
    public IEnumerable<string> Files => _archive.Entries.Select(static e => e.FullName);

    /// <summary>Gets the text of a manifest element, such as <c>id</c> or <c>readme</c>; <see langword="null"/> when absent.</summary>
    /// <param name="name">The element's name.</param>
    /// <returns>Its text.</returns>
    public string? Metadata(string name) => Element(name)?.Value;

    /// <summary>Gets an attribute of a manifest element, such as <c>repository</c>'s <c>url</c>; <see langword="null"/> when absent.</summary>
    /// <param name="name">The element's name.</param>
    /// <param name="attribute">The attribute's name.</param>
    /// <returns>Its value.</returns>
    public string? Metadata(string name, string attribute) => Element(name)?.Attribute(attribute)?.Value;

    /// <summary>Gets the ids of the packages this one depends on, over every target framework group.</summary>
    public IEnumerable<string> Dependencies => _metadata.Descendants()
        .Where(static e => e.Name.LocalName == "dependency")
        .Select(static e => (string)e.Attribute("id")!)
        .Distinct(StringComparer.Ordinal);

    /// <summary>Reads a file of the package as UTF-8 text.</summary>
    /// <param name="path">The file's path in the package.</param>
    /// <returns>Its text.</returns>
    public string ReadText(string path)
    {
        using var reader = new StreamReader(Open(path), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>Reads the debug directory of an assembly in the package.</summary>
    /// <param name="path">The assembly's path in the package.</param>
    /// <returns>Whether the compiler marked it reproducible (a deterministic build), and the id of the PDB it was built with.</returns>
    public (bool Reproducible, Guid PdbId) ReadDebugDirectory(string path)
    {
        using var pe = new PEReader(Copy(path));
        IReadOnlyList<DebugDirectoryEntry> entries = pe.ReadDebugDirectory();
        DebugDirectoryEntry codeView = entries.Single(static e => e.Type == DebugDirectoryEntryType.CodeView);
        return (entries.Any(static e => e.Type == DebugDirectoryEntryType.Reproducible), pe.ReadCodeViewDebugDirectoryData(codeView).Guid);
    }

    /// <summary>Reads a Portable PDB in the package.</summary>
    /// <param name="path">The PDB's path in the package.</param>
    /// <returns>The PDB's id (matched by its assembly's debug directory) and its SourceLink JSON (<see langword="null"/> when absent).</returns>
    public (Guid PdbId, string? SourceLink) ReadPdb(string path)
    {
        using MetadataReaderProvider provider = MetadataReaderProvider.FromPortablePdbStream(Copy(path));
        MetadataReader reader = provider.GetMetadataReader();
        var id = new BlobContentId(reader.DebugMetadataHeader!.Id);
        string? sourceLink = reader.CustomDebugInformation
            .Select(reader.GetCustomDebugInformation)
            .Where(info => reader.GetGuid(info.Kind) == SourceLinkKind)
            .Select(info => Encoding.UTF8.GetString(reader.GetBlobBytes(info.Value)))
            .SingleOrDefault();
        return (id.Guid, sourceLink);
    }

    /// <inheritdoc/>
    public void Dispose() => _archive.Dispose();

    private XElement? Element(string name) => _metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name);

    private Stream Open(string path)
        => (_archive.GetEntry(path) ?? throw new FileNotFoundException($"The package has no '{path}'.", path)).Open();

    /// <summary>Copies a file into memory: the PE and PDB readers need a seekable stream.</summary>
    private MemoryStream Copy(string path)
    {
        var copy = new MemoryStream();
        using (Stream stream = Open(path))
        {
            stream.CopyTo(copy);
        }

        copy.Position = 0;
        return copy;
    }
}
