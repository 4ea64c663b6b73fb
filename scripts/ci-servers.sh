#!/usr/bin/env bash
# Installs the servers the distributed suite starts (a fresh CI machine has none of them). The
# tests start and stop their own throwaway instances; nothing here leaves a service running.
set -euo pipefail
have_postgres() {
  command -v pg_ctl >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null
}
have_redis() {
  command -v redis-server >/dev/null 2>&1
}
missing=()
have_postgres || missing+=(postgresql)
have_redis || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  echo "[ci-servers] installing ${missing[*]}"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
  # Debian starts default instances on install; the tests start their own, so those are stopped.
  $sudo_cmd service postgresql stop >/dev/null 2>&1 || true
  $sudo_cmd service redis-server stop >/dev/null 2>&1 || true
fi
have_postgres || { echo "[ci-servers] postgresql is still missing" >&2; exit 1; }
have_redis || { echo "[ci-servers] redis-server is still missing" >&2; exit 1; }
