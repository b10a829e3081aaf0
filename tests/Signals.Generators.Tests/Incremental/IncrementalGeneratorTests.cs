using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Signals.Generators.Models;

namespace Signals.Generators.Tests.Incremental;

/// <summary>Edits that do not change a type's signals must not change its model (STYLE G).</summary>
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

    [Fact]
    public void Adding_an_unrelated_type_keeps_the_models_cached()
    {
        List<(SignalTypeModel Model, IncrementalStepRunReason Reason)> outputs =
            RunTwice([CartSource, FamilyOnlySource], c => c.AddSyntaxTrees(Parse("struct Unrelated { }")));

        Assert.Equal(2, outputs.Count);
        Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }

    [Fact]
    public void Appending_a_member_elsewhere_in_the_file_leaves_the_model_unchanged()
    {
        List<(SignalTypeModel Model, IncrementalStepRunReason Reason)> outputs =
            RunTwice([CartSource], c => ReplaceSource(c, CartSource, CartSource + "\npublic class Other { public int X; }\n"));

        Assert.Equal(IncrementalStepRunReason.Unchanged, Assert.Single(outputs).Reason);
    }

    [Fact]
    public void Editing_a_method_body_in_the_signal_type_leaves_the_model_unchanged()
    {
        List<(SignalTypeModel Model, IncrementalStepRunReason Reason)> outputs =
            RunTwice([CartSource], c => ReplaceSource(c, CartSource, CartSource.Replace("return 1;", "return 2;", StringComparison.Ordinal)));

        Assert.Equal(IncrementalStepRunReason.Unchanged, Assert.Single(outputs).Reason);
    }

    [Fact]
    public void Changing_a_key_string_modifies_the_model()
    {
        List<(SignalTypeModel Model, IncrementalStepRunReason Reason)> outputs =
            RunTwice([CartSource], c => ReplaceSource(c, CartSource, CartSource.Replace("[Signal(\"cart\")]", "[Signal(\"basket\")]", StringComparison.Ordinal)));

        (SignalTypeModel model, IncrementalStepRunReason reason) = Assert.Single(outputs);
        Assert.Equal(IncrementalStepRunReason.Modified, reason);
        Assert.Equal("shop:basket", model.Key);
    }

    [Fact]
    public void Changing_a_family_template_modifies_the_model()
    {
        List<(SignalTypeModel Model, IncrementalStepRunReason Reason)> outputs =
            RunTwice([FamilyOnlySource], c => ReplaceSource(c, FamilyOnlySource, FamilyOnlySource.Replace("stock:{Sku}", "stock:{Sku}:level", StringComparison.Ordinal)));

        (SignalTypeModel model, IncrementalStepRunReason reason) = Assert.Single(outputs);
        Assert.Equal(IncrementalStepRunReason.Modified, reason);
        Assert.Equal("StockLevel", Assert.Single(model.Families).MethodName);
    }

    [Fact]
    public void Adding_a_second_signal_type_keeps_the_first_and_adds_a_new_model()
    {
        List<(SignalTypeModel Model, IncrementalStepRunReason Reason)> outputs = RunTwice(
            [CartSource],
            c => c.AddSyntaxTrees(Parse("using Signals; namespace Shop; [Signal] public partial class Wishlist { }")));

        Assert.Equal(2, outputs.Count);
        Assert.Contains(outputs, o => o.Model.TypeName == "Cart" && o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
        Assert.Contains(outputs, o => o.Model.TypeName == "Wishlist" && o.Reason == IncrementalStepRunReason.New);
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

    private static SyntaxTree Parse(string source)
        => CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), cancellationToken: TestContext.Current.CancellationToken);

    private static CSharpCompilation ReplaceSource(CSharpCompilation compilation, string oldSource, string newSource)
    {
        SyntaxTree oldTree = compilation.SyntaxTrees.Single(t => t.ToString() == oldSource);
        return compilation.ReplaceSyntaxTree(oldTree, oldTree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(newSource)));
    }

    private static List<SignalTypeModel> RunOnce(string source)
        => [.. ModelOutputs(GeneratorHarness.CreateTrackingDriver().RunGenerators(GeneratorHarness.Compile(source), TestContext.Current.CancellationToken))
            .Select(o => o.Model)];

    private static List<(SignalTypeModel Model, IncrementalStepRunReason Reason)> RunTwice(string[] sources, Func<CSharpCompilation, CSharpCompilation> edit)
    {
        CSharpCompilation first = GeneratorHarness.Compile(sources);
        GeneratorDriver driver = GeneratorHarness.CreateTrackingDriver().RunGenerators(first, TestContext.Current.CancellationToken);
        return ModelOutputs(driver.RunGenerators(edit(first), TestContext.Current.CancellationToken));
    }

    private static List<(SignalTypeModel Model, IncrementalStepRunReason Reason)> ModelOutputs(GeneratorDriver driver)
    {
        GeneratorRunResult run = driver.GetRunResult().Results.Single();
        Assert.Null(run.Exception);
        return [.. run.TrackedSteps[TrackingNames.SignalModels]
            .SelectMany(step => step.Outputs)
            .Where(output => output.Value is not null) // a [SignalFamily] step yields null for types its [Signal] step owns
            .Select(output => ((SignalTypeModel)output.Value, output.Reason))];
    }
}
