#!/usr/bin/env bash
# The whole development/test stack on localhost: single-node Kafka, PostgreSQL, Redis, SMTP catcher.
#
#   deploy/stack.sh up       start everything (each part is a no-op when already running)
#                            and write var/run/stack.env
#   deploy/stack.sh down     stop everything (data is kept; deploy/kafka.sh reset wipes Kafka)
#   deploy/stack.sh status
#
# Load the addresses with:  set -a; . var/run/stack.env; set +a
set -euo pipefail
LOG_TAG=stack
# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KAFKA_PORT=${KAFKA_PORT:-9092}
POSTGRES_PORT=${POSTGRES_PORT:-55432}
REDIS_PORT=${REDIS_PORT:-56379}
SMTP_PORT=${SMTP_PORT:-2525}
ENV_FILE="$RUN_DIR/stack.env"
PARTS=(kafka postgres redis smtp)

write_env() {
    {
        echo "# Written by deploy/stack.sh up: addresses of the local development/test stack."
        echo "STOREFRONTS_KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT"
        echo "STOREFRONTS_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$POSTGRES_PORT/postgres"
        echo "STOREFRONTS_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
        echo "STOREFRONTS_SMTP_HOST=127.0.0.1"
        echo "STOREFRONTS_SMTP_PORT=$SMTP_PORT"
        echo "STOREFRONTS_MAILDIR=$RUN_DIR/mail"
    } >"$ENV_FILE.tmp"
    mv "$ENV_FILE.tmp" "$ENV_FILE"
}

up() {
    local part
    mkdir -p "$RUN_DIR"
    "$DEPLOY_DIR/postgres.sh" install
    "$DEPLOY_DIR/redis.sh" install
    for part in "${PARTS[@]}"; do "$DEPLOY_DIR/$part.sh" start; done
    write_env
    log "stack is up; addresses in $ENV_FILE:"
    grep -v '^#' "$ENV_FILE"
}

down() {
    local i
    for ((i = ${#PARTS[@]} - 1; i >= 0; i--)); do "$DEPLOY_DIR/${PARTS[i]}.sh" stop; done
    rm -f "$ENV_FILE"
    log "stack is down"
}

status() {
    local part rc=0
    for part in "${PARTS[@]}"; do "$DEPLOY_DIR/$part.sh" status || rc=3; done
    return "$rc"
}

case "${1:-}" in
up) up ;;
down) down ;;
status) status ;;
*)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac
