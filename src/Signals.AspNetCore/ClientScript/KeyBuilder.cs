using System.Text;
using System.Text.Json;

namespace Signals.AspNetCore.ClientScript;

/// <summary>
/// One key builder of <c>{prefix}/keys.js</c>: <c>keys.{Namespace}.{Name}(…parameters)</c> builds the keys of one declared signal, as
/// the .NET factory does (<c>keys.chat.room("general")</c> → <c>chat:room:general</c>).
/// </summary>
/// <param name="Namespace">The property of <c>keys</c>: the key's namespace in camelCase (<c>my-app</c> → <c>myApp</c>).</param>
/// <param name="Name">
/// The builder's name: the literal segments after the namespace in camelCase (<c>chat:room:{RoomId}:thread:{Id}</c> → <c>roomThread</c>,
/// as the .NET factory <c>Room</c>/<c>RoomThread</c> is named), <c>key</c> when there is none; builders of a namespace that would share a
/// name are told apart by their placeholders (<c>roomByRoomId</c>), then by a number.
/// </param>
/// <param name="Descriptor">The declared signal, as clients name it.</param>
/// <param name="Parameters">One JavaScript parameter name per placeholder, in template order: the placeholder's name in camelCase.</param>
internal sealed record KeyBuilder(string Namespace, string Name, SignalDescriptor Descriptor, IReadOnlyList<string> Parameters)
{
    // Names a JavaScript parameter cannot have. (No property name can be "__proto__": '_' separates words, as in the .NET names.)
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "arguments", "await", "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum",
        "eval", "export", "extends", "false", "finally", "for", "function", "if", "implements", "import", "in", "instanceof", "interface",
        "let", "new", "null", "package", "private", "protected", "public", "return", "static", "super", "switch", "this", "throw", "true",
        "try", "typeof", "var", "void", "while", "with", "yield",
    };

    /// <summary>Gets the builders of the declared signals, in catalog order; a pattern declared twice gets one builder (the first).</summary>
    /// <param name="descriptors">The declared signals as clients name them, sorted.</param>
    /// <returns>The builders, with names unique per namespace.</returns>
    public static IReadOnlyList<KeyBuilder> Create(IReadOnlyList<SignalDescriptor> descriptors)
    {
        KeyBuilder[] builders = [.. descriptors.DistinctBy(static d => d.Pattern).Select(static d => new KeyBuilder(
            CamelCase(d.Namespace), BaseName(d), d, Unique([.. d.Placeholders.Select(static p => Identifier(CamelCase(p.Name)))])))];

        // Builders that would share a name in one namespace: first by placeholders, then by position (catalog order).
        foreach (IGrouping<(string, string), int> clash in Enumerable.Range(0, builders.Length)
            .GroupBy(i => (builders[i].Namespace, builders[i].Name)).Where(static g => g.Count() > 1).ToArray())
        {
            foreach (int i in clash.Where(i => builders[i].Descriptor.Placeholders.Count > 0))
            {
                builders[i] = builders[i] with { Name = builders[i].Name + "By" + string.Concat(builders[i].Descriptor.Placeholders.Select(static p => Pascal(p.Name))) };
            }
        }

        var taken = new HashSet<(string, string)>();
        for (int i = 0; i < builders.Length; i++)
        {
            string name = builders[i].Name;
            for (int n = 2; !taken.Add((builders[i].Namespace, name)); n++)
            {
                name = builders[i].Name + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            builders[i] = builders[i] with { Name = name };
        }

        return builders;
    }

    /// <summary>Whether a name can be written after a dot (<c>keys.chat.room</c>); other names are quoted.</summary>
    public static bool IsIdentifier(string name)
        => name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(static c => char.IsAsciiLetterOrDigit(c) || c is '_' or '$');

    private static string BaseName(SignalDescriptor descriptor)
    {
        var pascal = new StringBuilder();
        foreach (string segment in descriptor.Pattern.Split(SignalKey.Separator).Skip(1).Where(static s => !s.StartsWith('{')))
        {
            pascal.Append(Pascal(segment));
        }

        string name = CamelCase(pascal.ToString());
        return name.Length == 0 ? "key" : name;
    }

    /// <summary>A literal segment in PascalCase, as the .NET factory's name: <c>user-profile</c> → <c>UserProfile</c>.</summary>
    private static string Pascal(string literal)
    {
        var builder = new StringBuilder(literal.Length);
        bool upperNext = true;
        foreach (char c in literal)
        {
            if (c is '-' or '_' or '.')
            {
                upperNext = true;
            }
            else
            {
                builder.Append(upperNext ? char.ToUpperInvariant(c) : c);
                upperNext = false;
            }
        }

        return builder.ToString();
    }

    /// <summary>camelCase as System.Text.Json writes it (<c>RoomId</c> → <c>roomId</c>, <c>HTTPServer</c> → <c>httpServer</c>), after <see cref="Pascal"/>.</summary>
    private static string CamelCase(string name) => JsonNamingPolicy.CamelCase.ConvertName(Pascal(name));

    private static string Identifier(string name) => Reserved.Contains(name) || !IsIdentifier(name) ? "_" + name : name;

    private static string[] Unique(string[] names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            string name = names[i];
            for (int n = 2; !seen.Add(name); n++)
            {
                name = names[i] + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            names[i] = name;
        }

        return names;
    }
}
