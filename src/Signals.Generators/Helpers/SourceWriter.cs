using System;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace Signals.Generators.Helpers;

/// <summary>An indenting writer over a <see cref="StringBuilder"/>, for emitting C# text (no syntax trees, no whitespace normalization).</summary>
internal sealed class SourceWriter
{
    private const string IndentUnit = "    ";

    private readonly StringBuilder _builder = new(capacity: 8 * 1024); // most generated files fit: no regrowth while writing
    private int _indent;

    /// <summary>Writes one line at the current indentation; an empty line is written without trailing spaces.</summary>
    public void WriteLine(string line)
    {
        if (line.Length > 0)
        {
            for (int i = 0; i < _indent; i++)
            {
                _builder.Append(IndentUnit);
            }

            _builder.Append(line);
        }

        _builder.Append('\n');
    }

    /// <summary>Writes an empty line.</summary>
    public void WriteLine() => _builder.Append('\n');

    /// <summary>Writes <c>{</c>, indents, and writes <c>}</c> when the returned scope is disposed.</summary>
    public Scope Block()
    {
        WriteLine("{");
        _indent++;
        return new Scope(this);
    }

    /// <summary>Returns the text, which must be back at indentation zero.</summary>
    public SourceText ToSourceText()
    {
        if (_indent != 0)
        {
            throw new InvalidOperationException($"Unbalanced blocks: indentation is {_indent}, expected 0.");
        }

        return SourceText.From(_builder.ToString(), Encoding.UTF8);
    }

    /// <inheritdoc/>
    public override string ToString() => _builder.ToString();

    private void CloseBlock()
    {
        _indent--;
        WriteLine("}");
    }

    /// <summary>Closes a block opened by <see cref="Block"/>.</summary>
    internal readonly struct Scope : IDisposable
    {
        private readonly SourceWriter _writer;

        /// <summary>Initializes a new instance.</summary>
        public Scope(SourceWriter writer) => _writer = writer;

        /// <inheritdoc/>
        public void Dispose() => _writer.CloseBlock();
    }
}
