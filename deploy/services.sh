#!/usr/bin/env bash
# Runs every Storefronts service as a background process on this machine (SQLite per
# service in var/data/, Kafka from deploy/kafka.sh, mail to the SMTP catcher).
#
#   deploy/services.sh start | stop | status
#
# Logs: var/run/services/<service>.log   Pids: var/run/services/<service>.pid
set -euo pipefail
LOG_TAG=services
# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SERVICES_DIR="$RUN_DIR/services"
# service directory : python package : port
SERVICES=(
    "client-service:client:8001"
    "access-service:access:8002"
    "connector-service:connector:8003"
    "mapping-service:mapping:8004"
    "order-intake-service:order_intake:8005"
    "notifier-service:notifier:8006"
)

dev_secret_key() {
    local file="$REPO_ROOT/var/dev-secret-key"
    if [ ! -s "$file" ]; then
        "$VENV_PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' >"$file"
        chmod 600 "$file"
    fi
    cat "$file"
}

start() {
    [ -x "$VENV_PY" ] || die "no virtualenv: run 'make install' first"
    mkdir -p "$SERVICES_DIR"
    export STOREFRONTS_SECRET_KEYS="[\"$(dev_secret_key)\"]"
    export STOREFRONTS_JWKS_URL="${STOREFRONTS_JWKS_URL:-http://127.0.0.1:8002/.well-known/jwks.json}"
    export STOREFRONTS_OUTBOUND_ALLOW_PRIVATE="${STOREFRONTS_OUTBOUND_ALLOW_PRIVATE:-true}"
    # only the gateway (deploy/gateway.sh, proxy_bind) may name the caller in X-Forwarded-For
    export STOREFRONTS_TRUSTED_PROXIES="${STOREFRONTS_TRUSTED_PROXIES:-[\"$GATEWAY_UPSTREAM_ADDRESS\"]}"
    local entry dir pkg port
    for entry in "${SERVICES[@]}"; do
        IFS=: read -r dir pkg port <<<"$entry"
        [ -d "$REPO_ROOT/services/$dir/src/$pkg" ] || continue
        if pid_alive "$SERVICES_DIR/$dir.pid"; then
            log "$dir already running on http://127.0.0.1:$port"
            continue
        fi
        (cd "$REPO_ROOT" && exec "$VENV_PY" -m "$pkg" >>"$SERVICES_DIR/$dir.log" 2>&1) &
        echo $! >"$SERVICES_DIR/$dir.pid"
    done
    for entry in "${SERVICES[@]}"; do
        IFS=: read -r dir pkg port <<<"$entry"
        [ -f "$SERVICES_DIR/$dir.pid" ] || continue
        wait_ready "$dir" "$port"
    done
}

wait_ready() { # wait_ready <service> <port>
    local i
    for i in $(seq 1 120); do
        if curl -fsS "http://127.0.0.1:$2/readyz" >/dev/null 2>&1; then
            log "$1 ready: http://127.0.0.1:$2  (API docs: http://127.0.0.1:$2/docs)"
            return 0
        fi
        pid_alive "$SERVICES_DIR/$1.pid" || { tail -n 30 "$SERVICES_DIR/$1.log" >&2; die "$1 exited; log: $SERVICES_DIR/$1.log"; }
        sleep 0.5
    done
    tail -n 30 "$SERVICES_DIR/$1.log" >&2
    die "$1 not ready after 60 s; log: $SERVICES_DIR/$1.log"
}

stop() {
    local entry dir pkg port
    for entry in "${SERVICES[@]}"; do
        IFS=: read -r dir pkg port <<<"$entry"
        [ -f "$SERVICES_DIR/$dir.pid" ] || continue
        stop_pid "$SERVICES_DIR/$dir.pid" "$dir" 15
        rm -f "$SERVICES_DIR/$dir.pid"
    done
}

status() {
    local entry dir pkg port
    for entry in "${SERVICES[@]}"; do
        IFS=: read -r dir pkg port <<<"$entry"
        if pid_alive "$SERVICES_DIR/$dir.pid"; then log "$dir running on http://127.0.0.1:$port"; else log "$dir stopped"; fi
    done
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: deploy/services.sh start|stop|status" >&2; exit 2 ;;
esac
