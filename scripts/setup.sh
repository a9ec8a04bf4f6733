#!/usr/bin/env bash
# Installs what SeLetters needs on a fresh Debian/Ubuntu machine: a PostgreSQL server, unless a container runtime
# (which the AppHost then uses instead) answers. Safe to run again; it changes nothing that is already there.
set -euo pipefail

if docker info >/dev/null 2>&1; then
  echo "setup: a container runtime answers; the AppHost will run PostgreSQL in a container."
  exit 0
fi

if compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || { command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/postgres" ]; }; then
  echo "setup: PostgreSQL server binaries found; the AppHost will run a local server from them."
  exit 0
fi

echo "setup: no container runtime and no PostgreSQL server: installing the Debian package 'postgresql'."
sudo_if_needed=()
[ "$(id -u)" = 0 ] || sudo_if_needed=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_if_needed[@]}" apt-get update -q
"${sudo_if_needed[@]}" apt-get install -y -q --no-install-recommends postgresql
