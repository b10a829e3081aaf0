using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Signals.AspNetCore.ClientScript;

/// <summary>
/// <c>GET {prefix}/client.js</c>: the browser client (<c>client.js</c> beside this file, embedded in the assembly), an ES module that
/// finds the other endpoints next to its own URL.
/// </summary>
/// <remarks>
/// Served as <c>text/javascript</c> with a strong ETag (a hash of the content) and <c>Cache-Control: no-cache</c>: browsers keep a
/// copy but revalidate it on every load, which a matching <c>If-None-Match</c> answers with 304 (handled by
/// <see cref="FileContentHttpResult"/>), so a new package version reaches pages at once.
/// </remarks>
internal static class ClientScriptEndpoint
{
    public const string Name = "Signals browser client";

    private const string ResourceName = "Signals.AspNetCore.client.js";

    private static readonly Lazy<(byte[] Content, EntityTagHeaderValue ETag)> Script = new(Load);

    public static FileContentHttpResult Handle(HttpContext context)
    {
        (byte[] content, EntityTagHeaderValue etag) = Script.Value;
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Bytes(content, "text/javascript; charset=utf-8", entityTag: etag);
    }

    private static (byte[] Content, EntityTagHeaderValue ETag) Load()
    {
        using Stream stream = typeof(ClientScriptEndpoint).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource '{ResourceName}' is missing from {typeof(ClientScriptEndpoint).Assembly.GetName().Name}.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        byte[] content = buffer.ToArray();
        string hash = Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 16));
        return (content, new EntityTagHeaderValue($"\"{hash}\""));
    }
}
