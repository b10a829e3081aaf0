using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Signals.Generators.Tests.Behaviour;

/// <summary>
/// The key builders a server serves at <c>{prefix}/keys.js</c> build, in Node.js, exactly the keys the generated .NET factories build
/// from the same values (random values of every placeholder type, with characters that need escaping), and refuse what the .NET types
/// cannot hold. The catalog is the generator's, of a probe assembly; keys.js comes over HTTP from real Kestrel.
/// </summary>
public class KeyBuilderAgreementTests
{
    private const string Alphabet = "ab:%\n\u007f\u0085/ é{}-1\U0001F600";
    private const long MaxSafe = 9_007_199_254_740_991;

    /// <summary>One family per supported type: literal (the builder's name), property type, a random .NET value and its JavaScript argument.</summary>
    private static readonly Family[] Families =
    [
        new("i8", "sbyte", r => Integer((sbyte)r.Next(sbyte.MinValue, sbyte.MaxValue + 1), r)),
        new("u8", "byte", r => Integer((byte)r.Next(0, 256), r)),
        new("i16", "short", r => Integer((short)r.Next(short.MinValue, short.MaxValue + 1), r)),
        new("u16", "ushort", r => Integer((ushort)r.Next(0, ushort.MaxValue + 1), r)),
        new("i32", "int", r => Integer(r.Next(int.MinValue, int.MaxValue), r)),
        new("u32", "uint", r => Integer((uint)r.NextInt64(0, uint.MaxValue + 1L), r)),
        new("i64", "long", r => Integer(r.Next(2) == 0 ? r.NextInt64(long.MinValue, long.MaxValue) : r.NextInt64(-MaxSafe, MaxSafe), r)),
        new("u64", "ulong", r => Integer((ulong)r.NextInt64() * 2, r)),
        new("n", "nint", r => Integer((nint)r.NextInt64(long.MinValue, long.MaxValue), r)),
        new("un", "nuint", r => Integer((nuint)(ulong)r.NextInt64(), r)),
        new("i128", "Int128", r => Integer(new Int128((ulong)r.NextInt64(), (ulong)r.NextInt64()) * (r.Next(2) == 0 ? 1 : -1), r)),
        new("u128", "UInt128", r => Integer(new UInt128((ulong)r.NextInt64(), (ulong)r.NextInt64()), r)),
        new("s", "string?", r =>
        {
            string text = string.Concat(Enumerable.Range(0, r.Next(1, 12)).Select(_ => RandomCharacter(r)));
            return (text, Text(text));
        }),
        new("b", "bool", r => r.Next(2) == 0 ? (false, Json(false)) : (true, Json(true))),
        new("g", "Guid", r =>
        {
            Guid guid = Guid.NewGuid();
            string text = guid.ToString("D", CultureInfo.InvariantCulture);
            return (guid, Text(r.Next(2) == 0 ? text : text.ToUpperInvariant())); // any case in, lower case out
        }),
        new("e", "OrderStatus", r => { int member = r.Next(3); return (member, Text(new[] { "Pending", "Paid", "Shipped" }[member])); }),
        new("d", "DateOnly", r =>
        {
            var date = DateOnly.FromDayNumber(r.Next(DateOnly.MaxValue.DayNumber + 1));
            return (date, Text(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }),
        new("t", "DateTimeOffset", r =>
        {
            if (r.Next(2) == 0)
            {
                // A JavaScript Date: milliseconds, written in UTC.
                long ms = r.NextInt64(DateTimeOffset.MinValue.ToUnixTimeMilliseconds(), DateTimeOffset.MaxValue.ToUnixTimeMilliseconds());
                return (DateTimeOffset.FromUnixTimeMilliseconds(ms), new JsonObject { ["t"] = "date", ["v"] = ms });
            }

            var at = new DateTimeOffset(r.NextInt64(DateTimeOffset.MinValue.Ticks + TimeSpan.TicksPerDay, DateTimeOffset.MaxValue.Ticks - TimeSpan.TicksPerDay), TimeSpan.FromMinutes(r.Next(-840, 841)));
            return (at, Text(at.ToString("O", CultureInfo.InvariantCulture)));
        }),
        new("o", "OrderId", _ => { Guid guid = Guid.NewGuid(); return (guid, Text(guid.ToString())); }),
        new("opt", "int?", r => Integer(r.Next(), r)),
    ];

    /// <summary>Arguments the builders refuse because the .NET type cannot hold them: (builder, JavaScript argument, error name).</summary>
    private static readonly (string Builder, JsonNode Argument, string Error)[] Refused =
    [
        ("s", Json(5), "TypeError"),
        ("s", Text(""), "RangeError"),
        ("s", new JsonObject { ["t"] = "lone" }, "RangeError"),
        ("s", Text(new string('x', 600)), "RangeError"),
        ("i32", Text("42"), "TypeError"),
        ("i32", Number(2147483648), "RangeError"),
        ("i32", Number(1.5), "RangeError"),
        ("u8", Number(-1), "RangeError"),
        ("i64", Number(9007199254740993), "RangeError"),
        ("u128", BigInteger("-1"), "RangeError"),
        ("b", Text("true"), "TypeError"),
        ("g", Text("0f8fad5bd9cb469fa16570867728950e"), "RangeError"),
        ("e", Text("paid"), "RangeError"),
        ("d", Text("2024-02-30"), "RangeError"),
        ("d", Text("17.05.2024"), "RangeError"),
        ("t", Text("2024-05-17"), "RangeError"),
        ("t", new JsonObject { ["t"] = "date", ["v"] = double.NaN.ToString(CultureInfo.InvariantCulture) }, "RangeError"),
    ];

    private static readonly Lazy<Assembly> Probe = new(() =>
    {
        string properties = string.Join("\n", Families.Select(f => $"    public {f.Type} {f.Property} {{ get; set; }}"));
        string families = string.Join("\n", Families.Select(f => $"[SignalFamily(\"{f.Literal}:{{{f.Property}}}\")]"));
        Assembly assembly = GeneratorHarness.CompileAndLoad($$"""
            using System;
            using Signals;
            namespace Kb;
            public enum OrderStatus { Pending, Paid, Shipped }
            public readonly record struct OrderId(Guid Value);
            [SignalNamespace("kb")]
            {{families}}
            [SignalFamily("mix:{S}:at:{T}:flag:{B}")]
            public partial class Everything
            {
            {{properties}}
            }
            [SignalValue("kb:note:{Room}:{Lang}")]
            public partial record Note(string Text = "");
            """);
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle); // registers the catalog
        return assembly;
    });

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Served_builders_build_the_keys_the_generated_factories_build_and_refuse_what_their_types_cannot_hold()
    {
        var random = new Random(20260);
        var cases = new JsonArray();
        var expected = new List<string?>();
        foreach (Family family in Families)
        {
            for (int i = 0; i < 200; i++)
            {
                (object value, JsonNode argument) = family.Next(random);
                cases.Add(Case(family.Literal, argument));
                expected.Add(CallFactory("Everything", family.Property, value).Value);
            }
        }

        for (int i = 0; i < 200; i++)
        {
            // Literal segments after placeholders, three placeholders of three kinds.
            (object text, JsonNode textArgument) = Families.Single(f => f.Literal == "s").Next(random);
            (object at, JsonNode atArgument) = Families.Single(f => f.Literal == "t").Next(random);
            bool flag = random.Next(2) == 0;
            cases.Add(Case("mixAtFlag", textArgument, atArgument, Json(flag)));
            expected.Add(CallFactory("Everything", "MixAtFlag", text, at, flag).Value);

            // A value signal's template: string placeholders.
            (object room, JsonNode roomArgument) = Families.Single(f => f.Literal == "s").Next(random);
            (object lang, JsonNode langArgument) = Families.Single(f => f.Literal == "s").Next(random);
            cases.Add(Case("note", roomArgument, langArgument));
            expected.Add(CallFactory("Note", "Value", room, lang).Value);
        }

        foreach ((string builder, JsonNode argument, _) in Refused)
        {
            cases.Add(Case(builder, argument));
            expected.Add(null);
        }

        JsonArray results = await RunBuildersAsync(cases);

        Assert.Equal(cases.Count, results.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            JsonNode result = results[i]!;
            if (expected[i] is { } key)
            {
                Assert.True(key == (string?)result["key"], $"{cases[i]!.ToJsonString()}: .NET built {key}, JavaScript {result.ToJsonString()}");
            }
            else
            {
                string error = Refused[i - (expected.Count - Refused.Length)].Error;
                Assert.True(((string?)result["error"])?.StartsWith(error + ":", StringComparison.Ordinal) == true, $"{cases[i]!.ToJsonString()}: expected a {error}, got {result.ToJsonString()}");
            }
        }

        // The .NET factory refuses the too-long key too.
        Assert.Throws<TargetInvocationException>(() => CallFactory("Everything", "S", new string('x', 600)));
    }

    /// <summary>Serves the probe's catalog from real Kestrel, downloads keys.js and key-format.js, and runs the cases in Node.js.</summary>
    private static async Task<JsonArray> RunBuildersAsync(JsonArray cases)
    {
        _ = Probe.Value;
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(new SignalCatalog(SignalCatalog.Registered.Descriptors.Where(d => d.Namespace == "kb")));
        builder.Services.AddSignals().AddHttpEndpoints();
        await using WebApplication app = builder.Build();
        app.MapSignals();
        await app.StartAsync(Token);

        string folder = Directory.CreateTempSubdirectory("signals-builders-").FullName;
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
            foreach (string module in new[] { "keys.js", "key-format.js" })
            {
                await File.WriteAllTextAsync(Path.Combine(folder, module), await http.GetStringAsync("/signals/" + module, Token), Token);
            }

            await File.WriteAllTextAsync(Path.Combine(folder, "package.json"), """{ "type": "module" }""", Token);
            await File.WriteAllTextAsync(Path.Combine(folder, "cases.json"), cases.ToJsonString(), Token);
            await File.WriteAllTextAsync(Path.Combine(folder, "driver.js"), Driver, Token);
            return JsonNode.Parse(await RunNodeAsync(folder))!.AsArray();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<string> RunNodeAsync(string folder)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        start.ArgumentList.Add("driver.js");
        using Process node = Process.Start(start) ?? throw new InvalidOperationException("node did not start (this test needs Node.js on the PATH).");
        Task<string> output = node.StandardOutput.ReadToEndAsync(Token);
        Task<string> errors = node.StandardError.ReadToEndAsync(Token);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Token);
        deadline.CancelAfter(TimeSpan.FromMinutes(1));
        try
        {
            await node.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            throw;
        }

        Assert.True(node.ExitCode == 0, $"node failed ({node.ExitCode}): {await errors}");
        return await output;
    }

    /// <summary>Calls every case's builder (<c>keys.kb[builder](…arguments)</c>) and prints its key or its error, in order.</summary>
    private const string Driver = """
        import { readFileSync } from 'node:fs';
        import { keys } from './keys.js';

        const decode = ({ t, v }) => t === 'number' ? Number(v) : t === 'bigint' ? BigInt(v) : t === 'date' ? new Date(Number(v))
          : t === 'lone' ? 'a\uD800b' : v;
        const results = JSON.parse(readFileSync('cases.json', 'utf8')).map(({ builder, args }) => {
          try {
            return { key: keys.kb[builder](...args.map(decode)) };
          } catch (error) {
            return { error: `${error.name}: ${error.message}` };
          }
        });
        process.stdout.write(JSON.stringify(results));
        """;

    private static JsonObject Case(string builder, params JsonNode[] arguments)
        => new() { ["builder"] = builder, ["args"] = new JsonArray([.. arguments]) };

    private static JsonObject Json(bool value) => new() { ["t"] = "json", ["v"] = value };

    private static JsonObject Json(int value) => new() { ["t"] = "json", ["v"] = value };

    private static JsonObject Text(string value) => new() { ["t"] = "json", ["v"] = value };

    private static JsonObject Number(double value) => new() { ["t"] = "number", ["v"] = value.ToString("R", CultureInfo.InvariantCulture) };

    private static JsonObject BigInteger(string value) => new() { ["t"] = "bigint", ["v"] = value };

    /// <summary>An integer: a JavaScript number when it is a safe integer (half of the time), else a bigint.</summary>
    private static (object, JsonNode) Integer<T>(T value, Random random) where T : IFormattable
    {
        string text = value.ToString(null, CultureInfo.InvariantCulture);
        bool safe = System.Numerics.BigInteger.Abs(System.Numerics.BigInteger.Parse(text, CultureInfo.InvariantCulture)) <= MaxSafe;
        return (value, safe && random.Next(2) == 0 ? Number(double.Parse(text, CultureInfo.InvariantCulture)) : BigInteger(text));
    }

    /// <summary>A character of <see cref="Alphabet"/>; its surrogate pair whole, never half of it.</summary>
    private static string RandomCharacter(Random random)
    {
        int index = random.Next(Alphabet.Length);
        return char.IsSurrogate(Alphabet[index]) ? "\U0001F600" : Alphabet[index].ToString();
    }

    /// <summary>Calls <c>Kb.{type}.Keys.{method}(…)</c>, building the probe's enum or wrapper from the raw value first.</summary>
    private static SignalKey CallFactory(string type, string method, params object[] values)
    {
        Type keys = Probe.Value.GetType($"Kb.{type}+Keys", throwOnError: true)!;
        MethodInfo factory = keys.GetMethods().Single(m => m.Name == method && m.GetParameters().Length == values.Length);
        object[] arguments = [.. factory.GetParameters().Zip(values, static (parameter, value) =>
            parameter.ParameterType.IsEnum ? Enum.ToObject(parameter.ParameterType, value)
            : parameter.ParameterType.Assembly == Probe.Value ? Activator.CreateInstance(parameter.ParameterType, value)!
            : value)];
        return (SignalKey)factory.Invoke(null, arguments)!;
    }

    /// <summary>A family <c>kb:{Literal}:{Property}</c> over a property of type <see cref="Type"/>.</summary>
    private sealed record Family(string Literal, string Type, Func<Random, (object Value, JsonNode Argument)> Next)
    {
        public string Property => char.ToUpperInvariant(Literal[0]) + Literal[1..];
    }
}
