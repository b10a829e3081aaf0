using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Signals.Generators.Helpers;
using Signals.Generators.Models;

namespace Signals.Generators.Tests.Incremental;

/// <summary>
/// Edits that do not change a type's signals must not change its model, nor the catalog (STYLE G). Each test runs the generator, edits the
/// compilation, runs the same driver again, and checks the reason of every tracked step's outputs.
/// </summary>
public class IncrementalGeneratorTests
{
    private const string CartSource = """
        using Signals;
        namespace Shop;
        [SignalNamespace("shop")]
        [Signal("cart")]
        [SignalFamily("cart:{CartId}")]
        public partial class Cart
        {
            public string CartId { get; set; } = "";
            public int Count() { return 1; }
        }
        """;

    private const string FamilyOnlySource = """
        using Signals;
        namespace Shop;
        [SignalNamespace("shop")]
        [SignalFamily("stock:{Sku}")]
        public partial class Stock { public string Sku { get; set; } = ""; }
        """;

    private const string ValueSource = """
        using Signals;
        namespace Shop;
        [SignalValue("shop:banner")]
        public partial record Banner(string Text = "")
        {
            public int Length() { return Text.Length; }
        }
        """;

    private static readonly IncrementalStepRunReason[] CachedOrUnchanged = [IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged];

    [Fact]
    public void Adding_an_unrelated_type_keeps_every_step_cached()
    {
        Run run = RunTwice([CartSource, FamilyOnlySource, ValueSource], c => c.AddSyntaxTrees(Parse("struct Unrelated { }")));

        Assert.Equal(3, run.Models.Count);
        Assert.All(run.Models, o => Assert.Contains(o.Reason, CachedOrUnchanged));
        Assert.Contains(Assert.Single(run.Catalog).Reason, CachedOrUnchanged);
        Assert.Equal((true, IncrementalStepRunReason.Unchanged), Assert.Single(run.HasClient));
        Assert.NotEmpty(run.Outputs);
        Assert.All(run.Outputs, reason => Assert.Equal(IncrementalStepRunReason.Cached, reason));
    }

    [Fact]
    public void Referencing_the_client_package_re_emits_the_type_files_and_keeps_models_and_catalog_cached()
    {
        CSharpCompilation first = GeneratorHarness.CompileWithoutClient(CartSource, ValueSource);
        GeneratorDriver driver = GeneratorHarness.CreateTrackingDriver().RunGenerators(first, TestContext.Current.CancellationToken);
        Assert.False(Assert.Single(Collect(driver).HasClient).Value);

        driver = driver.RunGenerators(first.AddReferences(GeneratorHarness.ClientReference), TestContext.Current.CancellationToken);
        Run run = Collect(driver);

        Assert.Equal((true, IncrementalStepRunReason.Modified), Assert.Single(run.HasClient));
        Assert.Equal(2, run.Models.Count);
        Assert.All(run.Models, o => Assert.Contains(o.Reason, CachedOrUnchanged));
        Assert.Contains(Assert.Single(run.Catalog).Reason, CachedOrUnchanged);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.All(result.GeneratedSources.Where(s => s.HintName != "Signals-Catalog.g.cs"),
            s => Assert.Contains("SignalsClientExtensions", s.SourceText.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void Appending_a_member_elsewhere_in_the_file_leaves_the_model_unchanged()
    {
        Run run = RunTwice([CartSource], c => ReplaceSource(c, CartSource, CartSource + "\npublic class Other { public int X; }\n"));

        Assert.Equal(IncrementalStepRunReason.Unchanged, Assert.Single(run.Models).Reason);
        Assert.Contains(Assert.Single(run.Catalog).Reason, CachedOrUnchanged);
        Assert.NotEmpty(run.Outputs);
        Assert.All(run.Outputs, reason => Assert.Equal(IncrementalStepRunReason.Cached, reason));
    }

    [Theory]
    [InlineData(CartSource)]
    [InlineData(ValueSource)]
    public void Editing_a_method_body_in_the_signal_type_leaves_the_model_unchanged(string source)
    {
        string edited = source.Replace("return 1;", "return 2;", StringComparison.Ordinal).Replace("return Text.Length;", "return 0;", StringComparison.Ordinal);
        Assert.NotEqual(source, edited);

        Run run = RunTwice([source], c => ReplaceSource(c, source, edited));

        Assert.Equal(IncrementalStepRunReason.Unchanged, Assert.Single(run.Models).Reason);
        Assert.Contains(Assert.Single(run.Catalog).Reason, CachedOrUnchanged);
    }

    [Fact]
    public void Changing_a_key_string_modifies_the_model_and_the_catalog()
    {
        Run run = RunTwice([CartSource], c => ReplaceSource(c, CartSource, CartSource.Replace("[Signal(\"cart\")]", "[Signal(\"basket\")]", StringComparison.Ordinal)));

        (SignalTypeModel model, IncrementalStepRunReason reason) = Assert.Single(run.Models);
        Assert.Equal(IncrementalStepRunReason.Modified, reason);
        Assert.Equal("shop:basket", model.Key);
        (EquatableArray<CatalogEntryModel> catalog, IncrementalStepRunReason catalogReason) = Assert.Single(run.Catalog);
        Assert.Equal(IncrementalStepRunReason.Modified, catalogReason);
        Assert.Equal(["shop:basket", "shop:cart:{CartId}"], catalog.Select(e => e.Pattern));
    }

    [Fact]
    public void Changing_a_family_template_modifies_the_model()
    {
        Run run = RunTwice([FamilyOnlySource], c => ReplaceSource(c, FamilyOnlySource, FamilyOnlySource.Replace("stock:{Sku}", "stock:{Sku}:level", StringComparison.Ordinal)));

        (SignalTypeModel model, IncrementalStepRunReason reason) = Assert.Single(run.Models);
        Assert.Equal(IncrementalStepRunReason.Modified, reason);
        Assert.Equal("StockLevel", Assert.Single(model.Families).MethodName);
    }

    [Fact]
    public void Changing_a_value_key_modifies_the_model()
    {
        Run run = RunTwice([ValueSource], c => ReplaceSource(c, ValueSource, ValueSource.Replace("shop:banner", "shop:notice", StringComparison.Ordinal)));

        (SignalTypeModel model, IncrementalStepRunReason reason) = Assert.Single(run.Models);
        Assert.Equal(IncrementalStepRunReason.Modified, reason);
        Assert.Equal("shop:notice", model.Value?.Key.Template);
    }

    [Fact]
    public void Adding_a_member_to_a_placeholders_enum_modifies_the_model_and_the_catalog()
    {
        const string Status = "namespace Shop; public enum Status { Open, Paid }";
        const string Order = """
            using Signals;
            namespace Shop;
            [SignalFamily("shop:status:{State}")]
            public partial class Order { public Status State { get; set; } }
            """;

        Run run = RunTwice([Status, Order], c => ReplaceSource(c, Status, Status.Replace("Paid }", "Paid, Shipped }", StringComparison.Ordinal)));

        (SignalTypeModel model, IncrementalStepRunReason reason) = Assert.Single(run.Models);
        Assert.Equal(IncrementalStepRunReason.Modified, reason);
        Assert.Equal(["Open", "Paid", "Shipped"], Assert.Single(Assert.Single(model.Families).Parameters).EnumMembers);
        (EquatableArray<CatalogEntryModel> catalog, IncrementalStepRunReason catalogReason) = Assert.Single(run.Catalog);
        Assert.Equal(IncrementalStepRunReason.Modified, catalogReason);
        Assert.Equal(["Open", "Paid", "Shipped"], Assert.Single(Assert.Single(catalog).Placeholders).EnumMembers);
    }

    [Fact]
    public void Adding_a_second_signal_type_keeps_the_first_and_adds_a_new_model()
    {
        Run run = RunTwice([CartSource], c => c.AddSyntaxTrees(Parse("using Signals; namespace Shop; [Signal] public partial class Wishlist { }")));

        Assert.Equal(2, run.Models.Count);
        Assert.Contains(run.Models, o => o.Model.TypeName == "Cart" && CachedOrUnchanged.Contains(o.Reason));
        Assert.Contains(run.Models, o => o.Model.TypeName == "Wishlist" && o.Reason == IncrementalStepRunReason.New);
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(run.Catalog).Reason);
    }

    [Fact]
    public void Equivalent_sources_give_equal_but_distinct_models()
    {
        SignalTypeModel first = Assert.Single(RunOnce(CartSource));
        SignalTypeModel second = Assert.Single(RunOnce(CartSource.Replace("{ return 1; }", "=> 1;", StringComparison.Ordinal)));

        Assert.NotSame(first, second);
        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
    }

    [Fact]
    public void Equivalent_value_sources_give_equal_but_distinct_models()
    {
        SignalTypeModel first = Assert.Single(RunOnce(ValueSource));
        SignalTypeModel second = Assert.Single(RunOnce(ValueSource.Replace("{ return Text.Length; }", "=> Text.Length;", StringComparison.Ordinal)));

        Assert.NotSame(first, second);
        Assert.NotSame(first.Value, second.Value);
        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
    }

    private static SyntaxTree Parse(string source)
        => CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), cancellationToken: TestContext.Current.CancellationToken);

    private static CSharpCompilation ReplaceSource(CSharpCompilation compilation, string oldSource, string newSource)
    {
        SyntaxTree oldTree = compilation.SyntaxTrees.Single(t => t.ToString() == oldSource);
        return compilation.ReplaceSyntaxTree(oldTree, oldTree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(newSource)));
    }

    private static List<SignalTypeModel> RunOnce(string source)
        => [.. Collect(GeneratorHarness.CreateTrackingDriver().RunGenerators(GeneratorHarness.Compile(source), TestContext.Current.CancellationToken))
            .Models.Select(o => o.Model)];

    private static Run RunTwice(string[] sources, Func<CSharpCompilation, CSharpCompilation> edit)
    {
        CSharpCompilation first = GeneratorHarness.Compile(sources);
        GeneratorDriver driver = GeneratorHarness.CreateTrackingDriver().RunGenerators(first, TestContext.Current.CancellationToken);
        return Collect(driver.RunGenerators(edit(first), TestContext.Current.CancellationToken));
    }

    private static Run Collect(GeneratorDriver driver)
    {
        GeneratorRunResult run = driver.GetRunResult().Results.Single();
        Assert.Null(run.Exception);
        return new Run(
            [.. run.TrackedSteps[TrackingNames.SignalModels]
                .SelectMany(step => step.Outputs)
                .Where(output => output.Value is not null) // a step yields null for the types another attribute's step owns
                .Select(output => ((SignalTypeModel)output.Value, output.Reason))],
            [.. run.TrackedSteps[TrackingNames.Catalog].SelectMany(step => step.Outputs).Select(output => ((EquatableArray<CatalogEntryModel>)output.Value, output.Reason))],
            [.. run.TrackedSteps[TrackingNames.HasClient].SelectMany(step => step.Outputs).Select(output => ((bool)output.Value, output.Reason))],
            [.. run.TrackedOutputSteps.SelectMany(step => step.Value).SelectMany(step => step.Outputs).Select(output => output.Reason)]);
    }

    /// <summary>The outputs of the tracked steps of one run, with their reasons.</summary>
    /// <param name="Models">The per-type models.</param>
    /// <param name="Catalog">The catalog step's one output.</param>
    /// <param name="HasClient">The client-reference step's one output.</param>
    /// <param name="Outputs">The reasons of the source-output steps.</param>
    private sealed record Run(
        List<(SignalTypeModel Model, IncrementalStepRunReason Reason)> Models,
        List<(EquatableArray<CatalogEntryModel> Entries, IncrementalStepRunReason Reason)> Catalog,
        List<(bool Value, IncrementalStepRunReason Reason)> HasClient,
        List<IncrementalStepRunReason> Outputs);
}
