using System.Reflection;
using Microsoft.CodeAnalysis;
using Signals.Generators.Helpers;
using Signals.Generators.Models;

namespace Signals.Generators.Tests.Models;

/// <summary>Pipeline models must be value data: no symbols, syntax or compilations that would root a compilation or defeat caching.</summary>
public class ModelShapeTests
{
    private static readonly Type[] Forbidden =
        [typeof(ISymbol), typeof(Compilation), typeof(SemanticModel), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Location), typeof(AttributeData)];

    [Fact]
    public void Models_hold_no_roslyn_objects()
    {
        var visited = new HashSet<Type>();
        var offenders = new List<string>();
        Walk(typeof(SignalTypeModel), "SignalTypeModel", visited, offenders);
        Walk(typeof(EquatableArray<CatalogEntryModel>), "Catalog", visited, offenders);

        Assert.Empty(offenders);
        Type[] models = [.. typeof(SignalTypeModel).Assembly.GetTypes().Where(t => t.Namespace == typeof(SignalTypeModel).Namespace && !t.IsNested)];
        Assert.All(models, model => Assert.Contains(model, visited)); // every pipeline model, reached through EquatableArray<T> and nullable members
    }

    [Fact]
    public void Every_model_type_is_a_sealed_record_or_a_record_struct()
    {
        Type[] models = [.. typeof(SignalTypeModel).Assembly.GetTypes().Where(t => t.Namespace == typeof(SignalTypeModel).Namespace)];

        Assert.NotEmpty(models);
        Assert.All(models, t =>
        {
            Assert.True(t.IsValueType || t.IsSealed, $"{t.Name} must be sealed.");
            Assert.NotNull(t.GetMethod("<Clone>$") ?? (t.IsValueType ? t.GetMethod("PrintMembers", BindingFlags.NonPublic | BindingFlags.Instance) : null));
        });
    }

    [Fact]
    public void Equatable_array_compares_by_elements()
    {
        EquatableArray<string> first = new[] { "a", "b" }.ToEquatableArray();
        EquatableArray<string> second = new List<string> { "a", "b" }.ToEquatableArray();

        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.NotEqual(first, new[] { "b", "a" }.ToEquatableArray());
        Assert.Equal(EquatableArray<string>.Empty, Array.Empty<string>().ToEquatableArray());
    }

    private static void Walk(Type type, string path, HashSet<Type> visited, List<string> offenders)
    {
        if (Forbidden.Any(f => f.IsAssignableFrom(type)))
        {
            offenders.Add($"{path} is {type.Name}");
            return;
        }

        if (type.IsGenericType)
        {
            foreach (Type argument in type.GetGenericArguments())
            {
                Walk(argument, $"{path}<{argument.Name}>", visited, offenders);
            }
        }

        if (type.IsArray)
        {
            Walk(type.GetElementType()!, path + "[]", visited, offenders);
            return;
        }

        // Only the generator's own types are walked field by field; framework types (string, bool) are leaves.
        if (type.Assembly != typeof(SignalTypeModel).Assembly || !visited.Add(type))
        {
            return;
        }

        foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            Walk(field.FieldType, $"{path}.{field.Name}", visited, offenders);
        }
    }
}
