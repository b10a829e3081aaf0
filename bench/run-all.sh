#!/usr/bin/env bash
# Runs every benchmark in bench/README.md on this machine and regenerates its results, charts and figures table:
#   1. the micro-benchmarks (BenchmarkDotNet, short job)   -> bench/results/micro/*.md
#   2. every load scenario (bench/Signals.LoadTests all)   -> bench/results/*.json, *.dat, and the tables in bench/README.md
#   3. one chart per scenario (gnuplot)                    -> bench/charts/*.png
# usage: bench/run-all.sh [--quick] [--no-micro] [--before <git ref>]
#   --quick              short smoke runs (checks that everything works; the figures mean nothing)
#   --no-micro           skip the BenchmarkDotNet part (keeps the micro results already in bench/results/micro)
#   --before <git ref>   first run the same load scenarios (this harness) against the library as it was at <git ref>, into
#                        bench/results/before: the tables then show before and after side by side. Without it, the tables keep
#                        the before column of the last run that had one.
# Installs wrk and gnuplot (Debian packages) and the PostgreSQL binaries when they are missing.
# Set SIGNALS_BENCH_POSTGRES to a connection string to use an existing PostgreSQL server instead of a throwaway local one.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=""
micro=1
before=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --quick) quick="--quick" ;;
    --no-micro) micro=0 ;;
    --before) [ "$#" -ge 2 ] || { echo "--before needs a git ref" >&2; exit 2; }; before="$2"; shift ;;
    *) echo "unknown option: $1 (usage: bench/run-all.sh [--quick] [--no-micro] [--before <git ref>])" >&2; exit 2 ;;
  esac
  shift
done

log() { printf '[bench] %s\n' "$*"; }

missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v gnuplot >/dev/null 2>&1 || missing+=(gnuplot-nox)
if [ -z "${SIGNALS_BENCH_POSTGRES:-}" ] && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  missing+=(postgresql)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet build -c Release bench/Signals.Benchmarks/Signals.Benchmarks.csproj -nologo -v quiet
dotnet build -c Release bench/Signals.LoadTests/Signals.LoadTests.csproj -nologo -v quiet

if [ "$micro" -eq 1 ]; then
  log "micro-benchmarks (BenchmarkDotNet)"
  artifacts=$(mktemp -d)
  job="short"
  [ -n "$quick" ] && job="dry"
  # Run from the repository root: BenchmarkDotNet finds the project there and builds its own runner for it.
  dotnet bench/Signals.Benchmarks/bin/Release/net10.0/Signals.Benchmarks.dll \
    --filter 'Signals.Benchmarks.Keys.*' 'Signals.Benchmarks.Hub.*' 'Signals.Benchmarks.Sync.*' \
    --job "$job" --exporters github --artifacts "$artifacts"
  rm -rf bench/results/micro
  mkdir -p bench/results/micro
  cp "$artifacts"/results/*-report-github.md bench/results/micro/
  rm -rf "$artifacts"
fi

if [ -n "$before" ]; then
  # The library's sources at <ref> with this harness, so the figures differ only by the library. When this harness does not build
  # against that library (its API changed since), <ref>'s own harness runs instead: figures it does not have stay empty.
  commit=$(git rev-parse --verify "$before^{commit}")
  log "load scenarios, before: the library at $commit"
  tree=$(mktemp -d)
  trap 'rm -rf "$tree"' EXIT
  git archive "$commit" | tar -x -C "$tree"
  mv "$tree/bench" "$tree/bench.own"
  mkdir -p "$tree/bench"
  tar -c --exclude=bin --exclude=obj --exclude=results bench | tar -x -C "$tree"
  if ! dotnet build -c Release "$tree/bench/Signals.LoadTests/Signals.LoadTests.csproj" -nologo -v quiet; then
    log "this harness does not build against $commit: running the harness of $commit instead"
    rm -rf "$tree/bench"
    mv "$tree/bench.own" "$tree/bench"
    dotnet build -c Release "$tree/bench/Signals.LoadTests/Signals.LoadTests.csproj" -nologo -v quiet
  fi
  rm -rf bench/results/before
  # Its report goes to the copy's README; this tree's report below reads bench/results/before.
  (cd "$tree" && dotnet bench/Signals.LoadTests/bin/Release/net10.0/Signals.LoadTests.dll all $quick --results "$OLDPWD/bench/results/before") \
    || log "before: a scenario failed (see above); its figures stay empty in the before column"
fi

log "load scenarios"
dotnet bench/Signals.LoadTests/bin/Release/net10.0/Signals.LoadTests.dll all $quick

log "charts"
(cd bench && for chart in charts/*.gp; do [ "$chart" = charts/common.gp ] || gnuplot -c "$chart"; done)
log "done: bench/README.md, bench/results/, bench/charts/*.png"
