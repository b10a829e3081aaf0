#!/usr/bin/env bash
# README's test command: provisions what the tests need when it is missing, then runs `dotnet test Signals.sln` with the arguments
# given (a --filter, or .ci/run's TRX logger). Quiet when everything is there; safe to run again and again.
#
# What the tests need beside the .NET SDK (each found at its default place, or where its variable points):
#   PostgreSQL server binaries  /usr/lib/postgresql/*/bin (SIGNALS_TEST_POSTGRES_BIN). The shared fixture runs PostgreSQL in
#                               Testcontainers instead where a Docker engine answers (or on SIGNALS_TEST_POSTGRES's server), but the
#                               chaos test always starts and restarts a local server of its own, so the binaries are needed anyway.
#   Chromium                    /usr/bin/chromium (SIGNALS_CHROMIUM), for the browser tests.
#   redis-server                /usr/bin/redis-server (SIGNALS_TEST_REDIS_SERVER), for the Redis accelerator tests.
#   nginx                       /usr/sbin/nginx (SIGNALS_TEST_NGINX), the caching reverse proxy of the shared-cache long-poll test.
#   npm (Node.js)               on the PATH, for the browser client's type check (it installs TypeScript into its own folder).
# On Debian, as root or with password-less sudo, what is missing is installed with apt-get, and the services those packages start
# (PostgreSQL on 5432, Redis on 6379, nginx on 80) are stopped: the tests start their own servers on free ports. Otherwise the script says what
# is missing and how to get it, and runs the tests anyway; those that need it fail with the same advice.
set -euo pipefail
cd "$(dirname "$0")"

log() { printf '[test.sh] %s\n' "$*" >&2; }

if ! command -v dotnet >/dev/null 2>&1; then
  log "the .NET SDK is not on PATH: install .NET SDK 10 (https://dot.net), then run ./test.sh again"
  exit 1
fi

# Debian packages whose files the tests use but cannot find, and what to do about each by hand.
missing=()
advice=()

# Records a Debian package as missing unless the file the tests use is there. When the variable that names the file is set, it
# replaces the default place and is the user's to get right: nothing is installed for it.
need_package() {
  local package="$1" variable="$2" present="$3" what="$4"
  if [ -n "${!variable:-}" ] || compgen -G "$present" >/dev/null; then
    return 0
  fi
  missing+=("$package")
  advice+=("$package: $what not found at $present (or set $variable)")
}

need_package postgresql SIGNALS_TEST_POSTGRES_BIN '/usr/lib/postgresql/*/bin/initdb' "PostgreSQL's server binaries"
need_package chromium SIGNALS_CHROMIUM /usr/bin/chromium "Chromium"
need_package redis-server SIGNALS_TEST_REDIS_SERVER /usr/bin/redis-server "redis-server"
need_package nginx SIGNALS_TEST_NGINX /usr/sbin/nginx "nginx"
command -v npm >/dev/null 2>&1 || need_package npm SIGNALS_NPM /usr/bin/npm "npm (Node.js)"

# Runs a command as root: directly when root, through password-less sudo otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

can_install() {
  command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || sudo -n true 2>/dev/null; }
}

# Stops a service a package just started (the tests never use it).
stop_service() {
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    as_root systemctl stop "$1" >/dev/null 2>&1 || true
  elif command -v service >/dev/null 2>&1; then
    as_root service "$1" stop >/dev/null 2>&1 || true
  fi
}

if [ "${#missing[@]}" -gt 0 ]; then
  if can_install; then
    log "installing ${missing[*]} (apt-get): the tests need them"
    if ! { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
           as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
      log "installing ${missing[*]} failed (see apt-get's messages above)"
      exit 1
    fi
    for package in "${missing[@]}"; do
      case "$package" in
        postgresql | redis-server | nginx) stop_service "$package" ;;
      esac
    done
  else
    for line in "${advice[@]}"; do
      log "missing $line"
    done
    log "install them with: sudo apt-get install -y ${missing[*]} (Debian), or run ./test.sh as root; running the tests anyway, and those that need them will fail"
  fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
exec dotnet test Signals.sln "$@"
