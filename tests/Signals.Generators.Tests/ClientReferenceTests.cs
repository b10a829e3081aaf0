using Microsoft.CodeAnalysis;

namespace Signals.Generators.Tests;

/// <summary>
/// The typed client accessors extend <c>Signals.Client.ISignalsClient</c>, so they are emitted only into a compilation that references the
/// Signals.Client package; everything else is the same with or without it.
/// </summary>
public class ClientReferenceTests
{
    private const string Source = """
        using Signals;
        namespace Shop;
        [SignalNamespace("shop")]
        [Signal]
        [SignalFamily("cart:{CartId}")]
        public partial class Cart { public System.Guid CartId { get; set; } }

        [SignalValue("shop:banner")]
        public partial record Banner(string Text = "");
        """;

    [Fact]
    public void Without_the_client_package_each_file_is_the_same_less_its_client_accessors()
    {
        Dictionary<string, string> withClient = Texts(GeneratorHarness.Run(GeneratorHarness.Compile(Source)).Result);
        Dictionary<string, string> withoutClient = Texts(GeneratorHarness.Run(GeneratorHarness.CompileWithoutClient(Source)).Result);

        Assert.Equal(["Shop.Banner.g.cs", "Shop.Cart.g.cs", "Signals-Catalog.g.cs"], withoutClient.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(withClient.Keys.Order(StringComparer.Ordinal), withoutClient.Keys.Order(StringComparer.Ordinal));
        Assert.All(withoutClient, file => Assert.DoesNotContain("Signals.Client", file.Value, StringComparison.Ordinal));
        Assert.Equal(withClient["Signals-Catalog.g.cs"], withoutClient["Signals-Catalog.g.cs"]);
        foreach (string type in (string[])["Shop.Banner.g.cs", "Shop.Cart.g.cs"])
        {
            Assert.StartsWith(withoutClient[type], withClient[type], StringComparison.Ordinal);
            string accessors = withClient[type][withoutClient[type].Length..];
            Assert.Contains("SignalsClientExtensions", accessors, StringComparison.Ordinal);
        }
    }

    private static Dictionary<string, string> Texts(GeneratorRunResult result)
        => result.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString(), StringComparer.Ordinal);
}
