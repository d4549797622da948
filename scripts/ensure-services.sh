#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on 127.0.0.1 for the test suite.
# Starts them if they are installed but stopped; installs them with apt-get
# (Debian/Ubuntu) if they are missing. Idempotent and quick when both already run.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
# su needs root; as another user, sudo runs it.
su() { $SUDO su "$@"; }

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

apt_install() {
  if ! command -v apt-get >/dev/null; then
    echo "ensure-services: $* missing and no apt-get here; install them and rerun." >&2
    exit 1
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@"
}

wait_for() {
  local name=$1 check=$2
  for _ in $(seq 1 30); do
    if $check; then return 0; fi
    sleep 1
  done
  echo "ensure-services: $name did not come up within 30 s" >&2
  exit 1
}

if ! pg_up; then
  if ! command -v pg_ctlcluster >/dev/null; then
    apt_install postgresql postgresql-client
    version=$(ls /etc/postgresql | sort -V | tail -1)
    # A fresh cluster allows TCP logins by password only: give postgres the one
    # the test URL uses.
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    wait_for PostgreSQL pg_up
    su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\""
  else
    for version in $(ls /etc/postgresql); do
      $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    done
  fi
  wait_for PostgreSQL pg_up
fi

if ! redis_up; then
  if ! command -v redis-server >/dev/null; then
    apt_install redis-server
  fi
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  wait_for Redis redis_up
fi

echo "ensure-services: PostgreSQL and Redis answer on 127.0.0.1"
