using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Signals.Generators.Helpers;
using Signals.Generators.Models;
using static Signals.Generators.Emitting.GeneratedCode;

namespace Signals.Generators.Emitting;

/// <summary>
/// Writes an entity signal type's keys: the <c>Keys</c> class (<c>All</c> and one factory per family) and the explicit
/// <c>ISignalSource.AddSignalKeys</c> that maps an instance to its keys; and the key factory expression value signals use too.
/// </summary>
internal static class KeysEmitter
{
    /// <summary>Writes the partial type with its <c>Keys</c> class and its <c>ISignalSource</c> implementation.</summary>
    public static void WriteSignalType(SourceWriter writer, SignalTypeModel model)
    {
        // A computed signal's type is no entity: its keys move with its inputs' keys, so it gets no ISignalSource.
        bool computed = model.Computed is not null;
        writer.WriteLine(computed ? $"partial {model.Keyword} {model.TypeName}" : $"partial {model.Keyword} {model.TypeName} : global::Signals.ISignalSource");
        using (writer.Block())
        {
            using (OpenStaticClass(writer, $"Typed keys of the signals declared on {model.TypeName}.", "Keys", model.HidesInheritedKeys))
            {
                bool first = true;
                if (model.Key is not null)
                {
                    writer.WriteLine(computed
                        ? $"/// <summary>Gets the computed key <c>{model.Key}</c>, moved whenever one of its inputs moves.</summary>"
                        : $"/// <summary>Gets the key <c>{model.Key}</c>, bumped when any {model.TypeName} changes.</summary>");
                    writer.WriteLine($"public static {SignalKey} All {{ get; }} = {SignalKey}.Create({Literal(model.Key)});");
                    first = false;
                }

                foreach (SignalFamilyModel family in model.Families)
                {
                    if (!first)
                    {
                        writer.WriteLine();
                    }

                    first = false;
                    writer.WriteLine(computed
                        ? $"/// <summary>Gets the key of the computed signal <c>{family.Template}</c> for the given arguments, spelled as its inputs' keys spell them.</summary>"
                        : $"/// <summary>Gets the key of the <c>{family.Template}</c> family for the given values.</summary>");
                    WriteFactory(writer, family, computed ? PlaceholderDoc : PropertyDoc);
                }
            }

            if (!computed)
            {
                writer.WriteLine();
                WriteAddSignalKeys(writer, model);
            }
        }
    }

    /// <summary>A key factory method.</summary>
    public static void WriteFactory(SourceWriter writer, SignalFamilyModel key, Func<SignalParameterModel, string> describeParameter)
    {
        WriteParameterDocs(writer, key, describeParameter);
        writer.WriteLine("/// <returns>The key.</returns>");
        writer.WriteLine($"{key.Accessibility} static {SignalKey} {key.MethodName}({Parameters(key)}) => {BuildKey(key)};");
    }

    /// <summary>
    /// <c>Create(prefix, args...)</c> for the leading literals and the arguments after them, then one <c>.Append(literal, args...)</c>
    /// per later run of literals: <c>user:{UserId}:room:{RoomId}</c> → <c>Create("user", a).Append("room", b)</c>.
    /// </summary>
    public static string BuildKey(SignalFamilyModel family)
    {
        var expression = new StringBuilder();
        var literal = new List<string>();
        var arguments = new List<string>();
        foreach (KeySegmentModel segment in family.Segments)
        {
            if (segment.IsLiteral)
            {
                if (arguments.Count > 0)
                {
                    AppendCall(expression, literal, arguments);
                }

                literal.Add(segment.Literal);
            }
            else
            {
                arguments.Add($"{SignalKey}.FormatArgument({FormattedValue(family.Parameters[segment.ParameterIndex])})");
            }
        }

        AppendCall(expression, literal, arguments);
        return expression.ToString();
    }

    /// <summary>The value to format: the parameter, or the member a single-value wrapper holds (a null reference wrapper is rejected).</summary>
    private static string FormattedValue(SignalParameterModel parameter)
        => parameter switch
        {
            { WrapperMember: null } => parameter.ParameterName,
            { IsReferenceWrapper: true } => $"({parameter.ParameterName} ?? throw new {ArgumentNullExceptionType}(nameof({parameter.ParameterName}))).{parameter.WrapperMember}",
            _ => $"{parameter.ParameterName}.{parameter.WrapperMember}",
        };

    private static void AppendCall(StringBuilder expression, List<string> literal, List<string> arguments)
    {
        expression.Append(expression.Length == 0 ? SignalKey + ".Create(" : ".Append(");
        expression.Append(Literal(string.Join(":", literal)));
        foreach (string argument in arguments)
        {
            expression.Append(", ").Append(argument);
        }

        expression.Append(')');
        literal.Clear();
        arguments.Clear();
    }

    private static void WriteAddSignalKeys(SourceWriter writer, SignalTypeModel model)
    {
        writer.WriteLine("/// <inheritdoc/>");
        WriteAttributes(writer);
        writer.WriteLine("void global::Signals.ISignalSource.AddSignalKeys(global::Signals.ISignalValueReader values, global::System.Collections.Generic.ICollection<global::Signals.SignalKey> keys)");
        using (writer.Block())
        {
            if (model.Key is not null)
            {
                writer.WriteLine("keys.Add(Keys.All);");
            }

            foreach (SignalFamilyModel family in model.Families)
            {
                WriteFamilyKeys(writer, family);
            }
        }
    }

    /// <summary>Reads each placeholder's property; a null value (reference type or <c>Nullable&lt;T&gt;</c>) yields no key.</summary>
    private static void WriteFamilyKeys(SourceWriter writer, SignalFamilyModel family)
    {
        if (family.Parameters.Count == 0)
        {
            writer.WriteLine($"keys.Add(Keys.{family.MethodName}());");
            return;
        }

        using (writer.Block())
        {
            var locals = new List<string>(family.Parameters.Count);
            var nullChecks = new List<string>();
            var arguments = new List<string>(family.Parameters.Count);
            foreach (SignalParameterModel parameter in family.Parameters)
            {
                // The locals share the method's scope with its parameters: rename one that is called like them.
                string local = parameter.ParameterName;
                if (local is "values" or "keys")
                {
                    do
                    {
                        local += "Value";
                    }
                    while (locals.Contains(local) || family.Parameters.Any(p => p.ParameterName == local));
                }

                locals.Add(local);
                arguments.Add(parameter.IsNullableValueType ? local + ".Value" : local);
                if (parameter.IsNullable)
                {
                    nullChecks.Add(local + " is not null");
                }

                writer.WriteLine($"{parameter.ValueType} {local} = values.GetValue<{parameter.ValueType}>({Literal(parameter.PropertyName)});");
            }

            string call = $"keys.Add(Keys.{family.MethodName}({string.Join(", ", arguments)}));";
            if (nullChecks.Count == 0)
            {
                writer.WriteLine(call);
                return;
            }

            writer.WriteLine($"if ({string.Join(" && ", nullChecks)})");
            using (writer.Block())
            {
                writer.WriteLine(call);
            }
        }
    }
}
