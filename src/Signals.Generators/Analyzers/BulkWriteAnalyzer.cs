using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Signals.Generators.Diagnostics;
using Signals.Generators.Parsing;

namespace Signals.Generators.Analyzers;

/// <summary>
/// Reports <c>SIG0015</c> on EF Core's bulk writes (<c>ExecuteUpdate</c>, <c>ExecuteUpdateAsync</c>, <c>ExecuteDelete</c>,
/// <c>ExecuteDeleteAsync</c>) over an entity that declares signals (it implements <c>Signals.ISignalSource</c>, or carries
/// <c>[Signal]</c>/<c>[SignalFamily]</c>), unless the compilation opts that entity into capture: they bypass the change tracker, so the
/// SaveChanges interceptor never sees them and no key is bumped. A call in a member that also calls <c>InvalidateSignals</c> or
/// <c>InvalidateSignalsAsync</c> (naming the keys by hand, as documented) is not reported.
/// </summary>
/// <remarks>
/// <para>The opt-in lives in the capture package, which this analyzer does not reference, so it is matched by name: an invocation of a
/// method named <c>HasSignalCapture</c> whose receiver is a <c>ModelBuilder</c> (or derives from one) opts in every entity, and one whose
/// receiver is an <c>EntityTypeBuilder&lt;T&gt;</c> opts in <c>T</c>. The bulk-write methods are matched by name and containing type
/// (<c>Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions</c> or <c>RelationalQueryableExtensions</c>), whichever EF Core
/// version declares them.</para>
/// <para>An opt-in may come anywhere in the compilation (usually <c>OnModelCreating</c>), so calls and opt-ins are collected and
/// reported when the compilation ends.</para>
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BulkWriteAnalyzer : DiagnosticAnalyzer
{
    private const string OptInMethod = "HasSignalCapture";
    private const string InvalidateMethod = "InvalidateSignals";
    private const string InvalidateAsyncMethod = "InvalidateSignalsAsync";

    private static readonly ImmutableHashSet<string> BulkWriteMethods =
        ImmutableHashSet.Create("ExecuteUpdate", "ExecuteUpdateAsync", "ExecuteDelete", "ExecuteDeleteAsync");

    private static readonly ImmutableHashSet<string> BulkWriteTypes =
        ImmutableHashSet.Create("Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions", "Microsoft.EntityFrameworkCore.RelationalQueryableExtensions");

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.BulkWriteWithoutCapture];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            // Without the Signals runtime nothing declares signals.
            INamedTypeSymbol? signalSource = start.Compilation.GetTypeByMetadataName(WellKnownTypeNames.SignalSource);
            if (signalSource is null)
            {
                return;
            }

            var collected = new Collected();
            start.RegisterOperationAction(operation => Collect(operation, signalSource, collected), OperationKind.Invocation);
            start.RegisterCompilationEndAction(end => Report(end, collected));
        });
    }

    private static void Collect(OperationAnalysisContext context, INamedTypeSymbol signalSource, Collected collected)
    {
        var invocation = (IInvocationOperation)context.Operation;
        IMethodSymbol method = invocation.TargetMethod;
        if (method.Name == OptInMethod)
        {
            CollectOptIn(invocation, collected);
        }
        else if (BulkWriteMethods.Contains(method.Name)
            && method.ContainingType?.ToDisplayString() is { } containing
            && BulkWriteTypes.Contains(containing)
            && method.TypeArguments.Length > 0
            && method.TypeArguments[0] is INamedTypeSymbol entity
            && DeclaresSignals(entity, signalSource)
            && !InvalidatesSignals(invocation.Syntax))
        {
            collected.BulkWrites.Enqueue(new BulkWrite(method.Name, entity, NameLocation(invocation)));
        }
    }

    /// <summary>Records <c>modelBuilder.HasSignalCapture()</c> (everything) or <c>entity.HasSignalCapture()</c> on an <c>EntityTypeBuilder&lt;T&gt;</c> (<c>T</c>).</summary>
    private static void CollectOptIn(IInvocationOperation invocation, Collected collected)
    {
        ITypeSymbol? receiver = invocation.Instance?.Type
            ?? (invocation.TargetMethod.IsExtensionMethod && invocation.TargetMethod.Parameters.Length > 0 ? invocation.TargetMethod.Parameters[0].Type : null);
        for (ITypeSymbol? type = receiver; type is not null; type = type.BaseType)
        {
            if (type.Name == "ModelBuilder")
            {
                collected.AllOptedIn = true;
                return;
            }

            if (type is INamedTypeSymbol { Name: "EntityTypeBuilder", TypeArguments.Length: 1 } builder)
            {
                collected.OptedIn.TryAdd(builder.TypeArguments[0], 0);
                return;
            }
        }
    }

    private static void Report(CompilationAnalysisContext context, Collected collected)
    {
        if (collected.AllOptedIn)
        {
            return;
        }

        foreach (BulkWrite write in collected.BulkWrites)
        {
            if (!collected.OptedIn.ContainsKey(write.Entity))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.BulkWriteWithoutCapture,
                    write.Location,
                    write.Method,
                    write.Entity.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)));
            }
        }
    }

    /// <summary>Whether <paramref name="entity"/> implements <c>ISignalSource</c> (the generator implements it) or carries <c>[Signal]</c>/<c>[SignalFamily]</c>.</summary>
    private static bool DeclaresSignals(INamedTypeSymbol entity, INamedTypeSymbol signalSource)
        => entity.AllInterfaces.Contains(signalSource, SymbolEqualityComparer.Default)
            || entity.GetAttributes().Any(static a => a.AttributeClass?.ToDisplayString() is WellKnownTypeNames.SignalAttribute or WellKnownTypeNames.SignalFamilyAttribute);

    /// <summary>
    /// Whether the member (method, accessor, local function, lambda's member) around the call also calls <c>InvalidateSignals</c> or
    /// <c>InvalidateSignalsAsync</c>: the documented way to name the keys of a bulk write, so the warning would only be noise there.
    /// </summary>
    private static bool InvalidatesSignals(SyntaxNode call)
    {
        SyntaxNode? member = call.FirstAncestorOrSelf<SyntaxNode>(static n => n is MemberDeclarationSyntax or LocalFunctionStatementSyntax);
        return member is not null && member.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(static i => i.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText is InvalidateMethod or InvalidateAsyncMethod,
            IdentifierNameSyntax name => name.Identifier.ValueText is InvalidateMethod or InvalidateAsyncMethod,
            _ => false,
        });
    }

    /// <summary>The method name of the call (<c>ExecuteDelete</c> in <c>query.ExecuteDelete()</c>), or the whole call when it has no member access.</summary>
    private static Location NameLocation(IInvocationOperation invocation)
        => invocation.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }
            ? access.Name.GetLocation()
            : invocation.Syntax.GetLocation();

    private sealed record BulkWrite(string Method, INamedTypeSymbol Entity, Location Location);

    /// <summary>What the operation actions found, read once the compilation ends.</summary>
    private sealed class Collected
    {
        public ConcurrentQueue<BulkWrite> BulkWrites { get; } = new();

        public ConcurrentDictionary<ITypeSymbol, byte> OptedIn { get; } = new(SymbolEqualityComparer.Default);

        private volatile bool _allOptedIn;

        public bool AllOptedIn
        {
            get => _allOptedIn;
            set => _allOptedIn = value;
        }
    }
}
