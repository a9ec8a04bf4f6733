#!/usr/bin/env bash
# Installs what SeLetters needs on a fresh Debian/Ubuntu machine:
#  - the PostgreSQL server binaries: the AppHost runs a local server from them when no container runtime answers; the
#    tests of that mode and the backup verbs (pg_dump, pg_restore) need them in any case;
#  - Chromium (and a font for its screenshots): the browser tests drive Debian's Chromium through Playwright, whose own
#    browser download cannot be used here. SELETTERS_CHROMIUM names another Chromium binary instead.
# Safe to run again: it changes nothing that is already there.
set -euo pipefail

packages=()
if compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || { command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/postgres" ]; }; then
  echo "setup: PostgreSQL server binaries found."
else
  packages+=(postgresql)
fi

if [ -x "${SELETTERS_CHROMIUM:-/usr/lib/chromium/chromium}" ]; then
  echo "setup: Chromium found."
else
  packages+=(chromium fonts-dejavu-core)
fi

[ ${#packages[@]} -eq 0 ] && exit 0

echo "setup: installing the Debian packages: ${packages[*]}."
sudo_if_needed=()
[ "$(id -u)" = 0 ] || sudo_if_needed=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_if_needed[@]}" apt-get update -q
"${sudo_if_needed[@]}" apt-get install -y -q --no-install-recommends "${packages[@]}"
