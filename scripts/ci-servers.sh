#!/usr/bin/env bash
# Installs the servers the distributed suite starts (a fresh CI machine has none of them). The
# tests start and stop their own throwaway instances; nothing here leaves a service running.
set -euo pipefail
have_postgres() {
  command -v pg_ctl >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null
}
if ! have_postgres; then
  echo "[ci-servers] installing postgresql"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq postgresql >/dev/null
  # Debian starts a default cluster on install; the tests use their own, so it is stopped.
  $sudo_cmd service postgresql stop >/dev/null 2>&1 || true
fi
have_postgres || { echo "[ci-servers] postgresql is still missing" >&2; exit 1; }
