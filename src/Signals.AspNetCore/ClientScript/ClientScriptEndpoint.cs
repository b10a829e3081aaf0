using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Signals.AspNetCore.ClientScript;

/// <summary>
/// <c>GET {prefix}/{module}.js</c>: the browser client, <c>client.js</c>, and the modules it imports (<c>watch.js</c>, <c>query.js</c>,
/// <c>mutation.js</c>, <c>polling.js</c> and their helpers): the <c>*.js</c> files beside this file, embedded in the assembly. They are
/// ES modules that find each other and the other endpoints next to their own URL. And <c>GET {prefix}/client.d.ts</c>: client.js's
/// TypeScript declarations (<c>Declarations/client.d.ts</c>: not beside the modules, where <c>tsc --checkJs</c> of the modules would
/// resolve their imports of client.js to it), typed with the key builders and value types of <c>keys.d.ts</c>.
/// </summary>
/// <remarks>
/// Each is served as <c>text/javascript</c> with a strong ETag (a hash of its content) and <c>Cache-Control: no-cache</c>: browsers keep
/// a copy but revalidate it on every load, which a matching <c>If-None-Match</c> answers with 304 (handled by
/// <see cref="FileContentHttpResult"/>), so a new package version reaches pages at once, all its modules together. Any other name is 404.
/// </remarks>
internal static class ClientScriptEndpoint
{
    /// <summary>The display name of the endpoint.</summary>
    public const string Name = "Signals browser client";

    /// <summary>The route below the prefix.</summary>
    public const string Pattern = "/{module}.js";

    /// <summary>The route of client.js's declarations below the prefix.</summary>
    public const string DeclarationsPattern = "/client.d.ts";

    // The csproj names each embedded ClientScript/*.js (and Declarations/client.d.ts) "Signals.AspNetCore.ClientScript.{file name}".
    private const string ResourcePrefix = "Signals.AspNetCore.ClientScript.";

    private static readonly Assembly Assembly = typeof(ClientScriptEndpoint).Assembly;

    private static readonly Lazy<(byte[] Content, EntityTagHeaderValue ETag)> ClientDeclarations = new(() => Load(ResourcePrefix + "client.d.ts"));

    private static readonly FrozenDictionary<string, Lazy<(byte[] Content, EntityTagHeaderValue ETag)>> Modules = Assembly
        .GetManifestResourceNames()
        .Where(static name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".js", StringComparison.Ordinal))
        .ToFrozenDictionary(
            static name => name[ResourcePrefix.Length..^".js".Length],
            static name => new Lazy<(byte[] Content, EntityTagHeaderValue ETag)>(() => Load(name)),
            StringComparer.Ordinal);

    /// <summary>Serves one module.</summary>
    /// <param name="context">The request.</param>
    /// <param name="module">The file name without <c>.js</c>, e.g. <c>client</c>.</param>
    /// <returns>The module, or 404 for a name that is not one of them.</returns>
    public static Results<FileContentHttpResult, NotFound> Handle(HttpContext context, string module)
    {
        if (!Modules.TryGetValue(module, out Lazy<(byte[] Content, EntityTagHeaderValue ETag)>? script))
        {
            return TypedResults.NotFound();
        }

        return Serve(context, script.Value.Content, script.Value.ETag, "text/javascript; charset=utf-8");
    }

    /// <summary>Serves <c>client.d.ts</c>, as the modules are served.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The declarations.</returns>
    public static FileContentHttpResult Declarations(HttpContext context)
        => Serve(context, ClientDeclarations.Value.Content, ClientDeclarations.Value.ETag, "application/typescript; charset=utf-8");

    /// <summary>
    /// Answers a file of the client (these, and <c>keys.js</c>/<c>keys.d.ts</c>): its bytes with a strong ETag (a matching
    /// <c>If-None-Match</c> gets 304), <c>Cache-Control: no-cache</c> and <c>X-Content-Type-Options: nosniff</c>.
    /// </summary>
    internal static FileContentHttpResult Serve(HttpContext context, byte[] content, EntityTagHeaderValue etag, string contentType)
    {
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Bytes(content, contentType, entityTag: etag);
    }

    private static (byte[] Content, EntityTagHeaderValue ETag) Load(string resourceName)
    {
        using Stream stream = Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"The embedded resource '{resourceName}' is missing from {Assembly.GetName().Name}.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        byte[] content = buffer.ToArray();
        string hash = Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 16));
        return (content, new EntityTagHeaderValue($"\"{hash}\""));
    }
}
