using System.Globalization;
using System.Text;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// How PostgreSQL's capture triggers write a key in SQL: each part of a declared key formatted from a transition table's column exactly
/// as the generated key factories format it (<see cref="SignalKey.FormatArgument{T}(T)"/>), text escaped, and the length check where a
/// key can exceed <see cref="SignalKey.MaxByteCount"/> bytes.
/// </summary>
internal static class PostgresKeyExpressions
{
    /// <summary>The longest argument, in UTF-8 bytes, of each bounded format (<see langword="null"/>: unbounded, measured in SQL).</summary>
    private const int LongestBoundedArgument = 64;

    /// <summary>
    /// The <c>SELECT</c> of one key from every row of a transition table; one row only when the key is literal text alone (every row
    /// would give the same key).
    /// </summary>
    /// <param name="key">The key's parts.</param>
    /// <param name="source">The transition table (<c>signals_old</c> or <c>signals_new</c>).</param>
    /// <param name="helpers">The helper functions' schema prefix.</param>
    /// <param name="revision">The capture's revision: before 4 a text argument calls <c>signals_key_argument</c>.</param>
    internal static string KeySelect(IReadOnlyList<CapturePart> key, string source, string helpers, int? revision)
        => key.All(static p => p.Literal is not null)
            ? $"(SELECT {KeyExpression(key, source, helpers, revision)} FROM {source} LIMIT 1)"
            : $"SELECT {KeyExpression(key, source, helpers, revision)} FROM {source}";

    /// <summary>The SQL expression of one key of a row of <paramref name="source"/> (<see langword="null"/> when a column is).</summary>
    private static string KeyExpression(IReadOnlyList<CapturePart> key, string source, string helpers, int? revision)
        => string.Join(" || ", key.Select(part => part.Literal is { } literal ? PostgresCaptureDialect.Literal(literal) : Argument(part, $"{source}.{PostgresCaptureDialect.Quote(part.Column!)}", helpers, revision)));

    /// <summary>
    /// The SQL expression that formats a column as <see cref="SignalKey.FormatArgument{T}(T)"/> and escapes it. From revision 4 a text
    /// argument's test is written out (<see cref="EscapedIfNeeded"/>) rather than called through <c>signals_key_argument</c>: the planner
    /// inlines that SQL function by parsing and analysing its body again every time it plans the trigger's <c>INSERT</c>, which after the
    /// pool's <c>DISCARD ALL</c> is every save (docs/capture.md, "What it costs").
    /// </summary>
    private static string Argument(CapturePart part, string column, string helpers, int? revision) => part.Format switch
    {
        CaptureFormat.Text => revision >= 4 ? EscapedIfNeeded($"{column}::text", helpers) : $"{helpers}signals_key_argument({column}::text)",
        CaptureFormat.Integer or CaptureFormat.Guid => $"{column}::text",
        CaptureFormat.Boolean => $"CASE {column} WHEN true THEN 'true' WHEN false THEN 'false' END",
        CaptureFormat.EnumNumber => $"CASE {column} {string.Concat(part.EnumMembers!.Select(m => string.Create(CultureInfo.InvariantCulture, $"WHEN {m.Key} THEN {PostgresCaptureDialect.Literal(m.Value)} ")))}ELSE {column}::text END",
        CaptureFormat.DateOnly => $"to_char({column}, 'YYYY-MM-DD')",
        _ => $"replace(to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), ':', '%3A') || '0+00%3A00'",
    };

    /// <summary>
    /// The SQL expression that escapes a text argument as <see cref="SignalKey.Create(string, ReadOnlySpan{string})"/> does: itself when
    /// it is not empty and has no character to escape (one regular expression test), else <c>signals_key_escaped</c> of it, which escapes
    /// it or fails on an empty one. <paramref name="argument"/> is written three times, so it must be a column or a parameter.
    /// </summary>
    internal static string EscapedIfNeeded(string argument, string helpers)
        => $"CASE WHEN {argument} !~ '^[^%:\\u0001-\\u001f\\u007f-\\u009f]+$' THEN {helpers}signals_key_escaped({argument}) ELSE {argument} END";

    /// <summary>
    /// The key <paramref name="k"/>, or an error when it is over <see cref="SignalKey.MaxByteCount"/> UTF-8 bytes; just
    /// <paramref name="k"/> when none of the table's keys can be (no text argument, whose length only the row knows).
    /// </summary>
    internal static string Checked(CapturedTable table, string k, string helpers)
        => table.Keys.All(static key => MaxByteCount(key) <= SignalKey.MaxByteCount)
            ? k
            : $"CASE WHEN octet_length({k}) <= {SignalKey.MaxByteCount} THEN {k} ELSE {helpers}signals_key_too_long({k}) END";

    /// <summary>The most UTF-8 bytes a key can have, or <see cref="int.MaxValue"/> when a text argument makes it unbounded.</summary>
    private static int MaxByteCount(IReadOnlyList<CapturePart> key)
    {
        long total = 0;
        foreach (CapturePart part in key)
        {
            total += part switch
            {
                { Literal: { } literal } => Encoding.UTF8.GetByteCount(literal),
                { Format: CaptureFormat.Text } => int.MaxValue,
                { Format: CaptureFormat.EnumNumber, EnumMembers: { } members } => Math.Max(LongestBoundedArgument, members.Max(static m => Encoding.UTF8.GetByteCount(m.Value))),
                _ => LongestBoundedArgument,
            };
        }

        return (int)Math.Min(total, int.MaxValue);
    }
}
