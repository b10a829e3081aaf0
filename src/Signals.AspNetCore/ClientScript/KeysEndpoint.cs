using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Signals.AspNetCore.Endpoints;

namespace Signals.AspNetCore.ClientScript;

/// <summary>
/// <c>GET {prefix}/keys.js</c> and <c>GET {prefix}/keys.d.ts</c>: the key builders of the app's declared signals (an ES module that
/// imports <c>key-format.js</c> beside it) and their TypeScript declarations with the value types, generated from the catalog as
/// clients name it (<see cref="SignalsEndpointServices.ClientCatalog"/>).
/// </summary>
/// <remarks>
/// <para>Generated at run time, not at build time: the server knows every assembly's signals (the catalog spans them, and grows when an
/// assembly is loaded), the tenant view clients use, and the exact JSON contract the value store writes with.</para>
/// <para>Served like <c>client.js</c> (a strong ETag, <c>Cache-Control: no-cache</c>) and regenerated only when the catalog changes. The
/// catalog holds patterns, never versions or values, so both files go to whoever may call the group, as <c>GET {prefix}/catalog</c> does.</para>
/// </remarks>
internal sealed class KeysEndpoint(SignalsEndpointServices services)
{
    /// <summary>The display name of the endpoints.</summary>
    public const string Name = "Signals key builders";

    /// <summary>The route of the module below the prefix.</summary>
    public const string ScriptPattern = "/keys.js";

    /// <summary>The route of the declarations below the prefix.</summary>
    public const string DeclarationsPattern = "/keys.d.ts";

    private Generated? _generated;

    /// <summary>Serves <c>keys.js</c>.</summary>
    public FileContentHttpResult Script(HttpContext context) => Serve(context, Current().Script, "text/javascript; charset=utf-8");

    /// <summary>Serves <c>keys.d.ts</c>.</summary>
    public FileContentHttpResult Declarations(HttpContext context) => Serve(context, Current().Declarations, "application/typescript; charset=utf-8");

    private static FileContentHttpResult Serve(HttpContext context, File file, string contentType)
        => ClientScriptEndpoint.Serve(context, file.Content, file.ETag, contentType);

    /// <summary>The files for the catalog as it is now; the catalog's descriptor list is a new instance whenever it changes.</summary>
    private Generated Current()
    {
        IReadOnlyList<SignalDescriptor> source = services.Catalog.Descriptors;
        Generated? generated = Volatile.Read(ref _generated);
        if (generated is null || !ReferenceEquals(generated.Source, source))
        {
            // Two requests may generate at once after a change: both get the same text, and either copy is kept.
            IReadOnlyList<KeyBuilder> builders = KeyBuilder.Create(services.ClientCatalog);
            generated = new Generated(source, File.Of(KeysScript.Write(builders)), File.Of(KeysDeclarations.Write(builders)));
            Volatile.Write(ref _generated, generated);
        }

        return generated;
    }

    private sealed record Generated(IReadOnlyList<SignalDescriptor> Source, File Script, File Declarations);

    private sealed record File(byte[] Content, EntityTagHeaderValue ETag)
    {
        public static File Of(string text)
        {
            byte[] content = Encoding.UTF8.GetBytes(text);
            return new File(content, new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 16))}\""));
        }
    }
}
