#!/usr/bin/env bash
# SMTP catcher for development and tests: every mail sent to it lands as an .eml file.
#
#   deploy/smtp.sh start|stop|status
#
# Listens on 127.0.0.1:${SMTP_PORT:-2525}; mail in var/run/mail/, log and pid in var/run/smtp/.
# Runs deploy/smtp_catcher.py with the workspace venv (.venv/bin/python, needs aiosmtpd).
set -euo pipefail
LOG_TAG=smtp
# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SMTP_PORT=${SMTP_PORT:-2525}
SMTP_DIR="$RUN_DIR/smtp"
MAILDIR="$RUN_DIR/mail"
PIDFILE="$SMTP_DIR/smtp.pid"
COMMAND="$DEPLOY_DIR/smtp_catcher.py --host 127.0.0.1 --port $SMTP_PORT" # how the pid file is checked

start() {
    if pid_alive "$PIDFILE" "$COMMAND"; then
        log "already running (pid $(cat "$PIDFILE")): smtp://127.0.0.1:$SMTP_PORT, mail in $MAILDIR"
        return 0
    fi
    [ -x "$VENV_PY" ] || die "$VENV_PY not found: create the workspace venv first (uv sync)"
    "$VENV_PY" -c 'import aiosmtpd' 2>/dev/null || die "aiosmtpd missing in .venv: run 'uv sync' (or uv pip install aiosmtpd)"
    port_open "$SMTP_PORT" && die "port $SMTP_PORT is already in use by another process (ss -ltnp | grep :$SMTP_PORT)"
    mkdir -p "$SMTP_DIR" "$MAILDIR"
    log "starting (logs: $SMTP_DIR/smtp.log)"
    setsid nohup "$VENV_PY" "$DEPLOY_DIR/smtp_catcher.py" --host 127.0.0.1 --port "$SMTP_PORT" \
        --maildir "$MAILDIR" >>"$SMTP_DIR/smtp.log" 2>&1 </dev/null &
    record_pid "$PIDFILE" $! "$COMMAND" || true # wait_port reports it
    wait_port "$SMTP_PORT" 15 "$PIDFILE" "$COMMAND" || { tail -n 20 "$SMTP_DIR/smtp.log" >&2; die "SMTP catcher did not start"; }
    log "ready: smtp://127.0.0.1:$SMTP_PORT, mail in $MAILDIR"
}

status() {
    if pid_alive "$PIDFILE" "$COMMAND"; then
        log "running (pid $(cat "$PIDFILE")): smtp://127.0.0.1:$SMTP_PORT, mail in $MAILDIR ($(find "$MAILDIR" -name '*.eml' | wc -l) messages)"
    else
        log "stopped"
        return 3
    fi
}

case "${1:-}" in
start) start ;;
stop) stop_pid "$PIDFILE" "smtp catcher" 10 "$COMMAND" ;;
status) status ;;
*)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
