#!/usr/bin/env bash
# Installs what SeLetters needs on a fresh Debian/Ubuntu machine: the PostgreSQL server binaries. The AppHost runs a
# local server from them when no container runtime answers; the tests of that mode and the backup verbs (pg_dump,
# pg_restore) need them in any case. Safe to run again: it changes nothing that is already there.
set -euo pipefail

if compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || { command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/postgres" ]; }; then
  echo "setup: PostgreSQL server binaries found."
  exit 0
fi

echo "setup: installing the Debian package 'postgresql' (PostgreSQL server binaries)."
sudo_if_needed=()
[ "$(id -u)" = 0 ] || sudo_if_needed=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_if_needed[@]}" apt-get update -q
"${sudo_if_needed[@]}" apt-get install -y -q --no-install-recommends postgresql
