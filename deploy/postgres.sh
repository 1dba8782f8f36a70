#!/usr/bin/env bash
# A private PostgreSQL cluster for development and tests (not the system service).
#
#   deploy/postgres.sh install   apt-get install postgresql when initdb/pg_ctl are missing
#   deploy/postgres.sh start     initdb once into var/run/postgres/data, then pg_ctl start -w
#   deploy/postgres.sh stop|status
#
# Listens on 127.0.0.1:${POSTGRES_PORT:-55432}, trust auth for local connections only.
# URL: postgresql://postgres@127.0.0.1:55432/postgres
set -euo pipefail
LOG_TAG=postgres
# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

POSTGRES_PORT=${POSTGRES_PORT:-55432}
PG_DIR="$RUN_DIR/postgres"
PGDATA="$PG_DIR/data"
PG_LOG="$PG_DIR/postgres.log"
PG_USER=postgres # OS user that owns and runs the cluster (initdb refuses root)
URL="postgresql://postgres@127.0.0.1:$POSTGRES_PORT/postgres"

# Find the server binaries: PATH first, then the newest Debian/Ubuntu version directory.
find_bindir() {
    local d
    if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v pg_ctl)")"
        return 0
    fi
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -V -r); do
        [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    return 1
}

install() {
    if find_bindir >/dev/null; then
        log "PostgreSQL binaries present in $(find_bindir)"
        return 0
    fi
    apt_install postgresql
    find_bindir >/dev/null || die "postgresql installed but pg_ctl/initdb still not found"
    log "installed PostgreSQL in $(find_bindir)"
}

BIN=""
load_bin() {
    BIN=$(find_bindir) || die "pg_ctl/initdb not found: run 'deploy/postgres.sh install' (apt-get install postgresql)"
}

# Run a command as the cluster owner when we are root; as ourselves otherwise.
as_owner() {
    if is_root; then
        id "$PG_USER" >/dev/null 2>&1 ||
            die "OS user '$PG_USER' missing: install the postgresql package or create the user (useradd -r $PG_USER)"
        runuser -u "$PG_USER" -- "$@"
    else
        "$@"
    fi
}

init_cluster() {
    [ -f "$PGDATA/PG_VERSION" ] && return 0
    log "initdb into $PGDATA"
    mkdir -p "$PGDATA"
    if is_root; then
        # the postgres user must be able to reach the data directory through var/run
        chown -R "$PG_USER:" "$PG_DIR"
        chmod o+x "$REPO_ROOT" "$REPO_ROOT/var" "$RUN_DIR" 2>/dev/null || true
    fi
    chmod 700 "$PGDATA"
    as_owner "$BIN/initdb" -D "$PGDATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
        >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
    cat >>"$PGDATA/postgresql.conf" <<EOF

# ---- deploy/postgres.sh (development and tests)
listen_addresses = '127.0.0.1'
port = $POSTGRES_PORT
unix_socket_directories = '$PG_DIR'
max_connections = 200
shared_buffers = 128MB
EOF
    cat >"$PGDATA/pg_hba.conf" <<'EOF'
# deploy/postgres.sh: trust, local connections only
local   all             all                     trust
host    all             all     127.0.0.1/32    trust
local   replication     all                     trust
host    replication     all     127.0.0.1/32    trust
EOF
    if is_root; then chown "$PG_USER:" "$PGDATA/pg_hba.conf"; fi
}

running() {
    [ -f "$PGDATA/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1
}

start() {
    load_bin
    init_cluster
    if running; then
        log "already running: $URL"
        return 0
    fi
    port_open "$POSTGRES_PORT" && die "port $POSTGRES_PORT is already in use by another process (ss -ltnp | grep :$POSTGRES_PORT)"
    if is_root; then chown "$PG_USER:" "$PG_DIR"; fi
    log "starting (logs: $PG_LOG)"
    # Checkpoints far apart: the order path writes a lot of WAL, and with PostgreSQL's 1 GB
    # default the benchmarks forced a checkpoint every minute or two (30 in 40 minutes), each
    # followed by full-page writes that every commit waits behind, webhook acknowledgements
    # included. Given at start, so a cluster created before this line gets them too.
    as_owner "$BIN/pg_ctl" -D "$PGDATA" -l "$PG_LOG" -w -t 60 \
        -o "-p $POSTGRES_PORT -c max_wal_size=4GB -c checkpoint_timeout=15min -c wal_compression=lz4" start >/dev/null ||
        { tail -n 20 "$PG_LOG" >&2; die "pg_ctl start failed"; }
    log "ready: $URL"
}

stop() {
    load_bin
    if ! running; then
        log "not running"
        return 0
    fi
    as_owner "$BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
    log "stopped"
}

status() {
    load_bin
    if running; then
        log "running: $URL (data $PGDATA, logs $PG_LOG)"
    else
        log "stopped"
        return 3
    fi
}

case "${1:-}" in
install) install ;;
start) start ;;
stop) stop ;;
status) status ;;
*)
    echo "usage: $0 install|start|stop|status" >&2
    exit 2
    ;;
esac
