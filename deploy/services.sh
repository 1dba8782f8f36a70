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
# Ports are STOREFRONTS_BASE_PORT (8000) + the service's number; deploy/gateway.sh agrees.
BASE_PORT=${STOREFRONTS_BASE_PORT:-8000}
# service directory : python package : port
SERVICES=(
    "client-service:client:$((BASE_PORT + 1))"
    "access-service:access:$((BASE_PORT + 2))"
    "connector-service:connector:$((BASE_PORT + 3))"
    "mapping-service:mapping:$((BASE_PORT + 4))"
    "order-intake-service:order_intake:$((BASE_PORT + 5))"
    "notifier-service:notifier:$((BASE_PORT + 6))"
    "ops:service_runtime.ops.gateway:$((BASE_PORT + 9))" # the gateway's /readyz and /docs/
    # a local Shopify with the demo shop demo-shop.myshopify.com (libs/platform-simulators)
    "shopify-simulator:platform_simulators.shopify:$((BASE_PORT + 90))"
)

# service_command <package>: the command line a service runs with (how pid files are checked)
service_command() { echo "$VENV_PY -m $1"; }

# installed <dir> <package>: the service is in this checkout (ops comes with service-runtime)
installed() {
    case "$1" in
        ops) return 0 ;;
        shopify-simulator) [ -d "$REPO_ROOT/libs/platform-simulators/src/platform_simulators" ] ;;
        *) [ -d "$REPO_ROOT/services/$1/src/$2" ] ;;
    esac
}

# port_variable <dir>: the setting that gives its port (order-intake-service → ORDER_INTAKE_PORT)
port_variable() { local name=${1%-service}; name=${name//-/_}; echo "${name^^}_PORT"; }

dev_secret_key() { # dev_secret_key [file name under var/]
    local file="$REPO_ROOT/var/${1:-dev-secret-key}"
    if [ ! -s "$file" ]; then
        "$VENV_PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' >"$file"
        chmod 600 "$file"
    fi
    cat "$file"
}

start() {
    [ -x "$VENV_PY" ] || die "no virtualenv: run 'make install' first"
    # Databases (password hashes, sessions, signing keys), logs and keys: the owner's alone.
    umask 077
    mkdir -p "$SERVICES_DIR" "$REPO_ROOT/var/data"
    chmod 700 "$REPO_ROOT/var/data" "$SERVICES_DIR"
    export STOREFRONTS_SECRET_KEYS="[\"$(dev_secret_key)\"]"
    # The invitation links travel encrypted for the notifier: only access and notifier get this key.
    local invitation_keys="[\"$(dev_secret_key dev-invitation-key)\"]"
    export STOREFRONTS_JWKS_URL="${STOREFRONTS_JWKS_URL:-http://127.0.0.1:$((BASE_PORT + 2))/.well-known/jwks.json}"
    export STOREFRONTS_OUTBOUND_ALLOW_PRIVATE="${STOREFRONTS_OUTBOUND_ALLOW_PRIVATE:-true}"
    # only the gateway (deploy/gateway.sh, proxy_bind) may name the caller in X-Forwarded-For
    export STOREFRONTS_TRUSTED_PROXIES="${STOREFRONTS_TRUSTED_PROXIES:-[\"$GATEWAY_UPSTREAM_ADDRESS\"]}"
    # the connector talks to the Shopify simulator; the platforms reach us through the gateway
    export CONNECTOR_SHOPIFY_BASE_URL="${CONNECTOR_SHOPIFY_BASE_URL-http://127.0.0.1:$((BASE_PORT + 90))}"
    export CONNECTOR_PUBLIC_BASE_URL="${CONNECTOR_PUBLIC_BASE_URL:-http://127.0.0.1:${GATEWAY_PORT:-8080}}"
    local entry dir pkg port
    for entry in "${SERVICES[@]}"; do
        IFS=: read -r dir pkg port <<<"$entry"
        installed "$dir" "$pkg" || continue
        if pid_alive "$SERVICES_DIR/$dir.pid" "$(service_command "$pkg")"; then
            log "$dir already running on http://127.0.0.1:$port"
            continue
        fi
        local keys=()
        case "$pkg" in access | notifier) keys=("STOREFRONTS_INVITATION_KEYS=$invitation_keys") ;; esac
        (cd "$REPO_ROOT" && export "$(port_variable "$dir")=$port" STOREFRONTS_BASE_PORT="$BASE_PORT" "${keys[@]}" && exec "$VENV_PY" -m "$pkg" >>"$SERVICES_DIR/$dir.log" 2>&1) &
        record_pid "$SERVICES_DIR/$dir.pid" $! "$(service_command "$pkg")" || true # wait_ready reports it
    done
    for entry in "${SERVICES[@]}"; do
        IFS=: read -r dir pkg port <<<"$entry"
        [ -f "$SERVICES_DIR/$dir.pid" ] || continue
        wait_ready "$dir" "$port" "$pkg"
    done
}

wait_ready() { # wait_ready <service> <port> <package>
    local i path=/readyz
    [ "$1" = ops ] && path=/healthz                 # its /readyz is every service's
    [ "$1" = shopify-simulator ] && path=/healthz

    for i in $(seq 1 120); do
        if curl -fsS "http://127.0.0.1:$2$path" >/dev/null 2>&1; then
            log "$1 ready: http://127.0.0.1:$2  (API docs: http://127.0.0.1:$2/docs)"
            return 0
        fi
        pid_alive "$SERVICES_DIR/$1.pid" "$(service_command "$3")" || { tail -n 30 "$SERVICES_DIR/$1.log" >&2; die "$1 exited; log: $SERVICES_DIR/$1.log"; }
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
        stop_pid "$SERVICES_DIR/$dir.pid" "$dir" 15 "$(service_command "$pkg")"
        rm -f "$SERVICES_DIR/$dir.pid"
    done
}

status() {
    local entry dir pkg port
    for entry in "${SERVICES[@]}"; do
        IFS=: read -r dir pkg port <<<"$entry"
        if pid_alive "$SERVICES_DIR/$dir.pid" "$(service_command "$pkg")"; then log "$dir running on http://127.0.0.1:$port"; else log "$dir stopped"; fi
    done
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: deploy/services.sh start|stop|status" >&2; exit 2 ;;
esac
