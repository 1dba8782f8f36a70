# Shared helpers for the deploy/*.sh scripts. Source it; do not run it.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="$REPO_ROOT/var/run"
DEPLOY_DIR="$REPO_ROOT/deploy"
VENV_PY="$REPO_ROOT/.venv/bin/python"

log() { printf '[%s] %s\n' "${LOG_TAG:-deploy}" "$*"; }
die() { printf '[%s] ERROR: %s\n' "${LOG_TAG:-deploy}" "$*" >&2; exit 1; }

need() { # need <command> <hint>
    command -v "$1" >/dev/null 2>&1 || die "$1 not found: $2"
}

is_root() { [ "$(id -u)" -eq 0 ]; }

apt_install() { # apt_install <package>...
    is_root || die "need root to apt-get install $* (or install it yourself)"
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install $* with your package manager"
    log "installing $* with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

# port_open <port> [host]: true when something accepts TCP connections there.
port_open() {
    (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null
}

# pid_alive <pidfile>: true when the pid in the file is a running process.
pid_alive() {
    [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

# stop_pid <pidfile> <name> [grace seconds]: SIGTERM, wait, SIGKILL after the grace period.
stop_pid() {
    local pidfile=$1 name=$2 grace=${3:-20} pid i
    if ! pid_alive "$pidfile"; then
        log "$name is not running"
        rm -f "$pidfile"
        return 0
    fi
    pid=$(cat "$pidfile")
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 4; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.25
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "$name did not exit after ${grace}s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.5
    fi
    rm -f "$pidfile"
    log "$name stopped"
}

# wait_port <port> <seconds> <pidfile>: wait until the port accepts connections,
# failing early when the process died.
wait_port() {
    local port=$1 timeout=$2 pidfile=$3 i
    for ((i = 0; i < timeout * 4; i++)); do
        port_open "$port" && return 0
        if [ -n "$pidfile" ] && ! pid_alive "$pidfile"; then return 1; fi
        sleep 0.25
    done
    return 1
}

# The gateway connects to the services from this loopback address (nginx proxy_bind), and
# the services believe X-Forwarded-For only from it (STOREFRONTS_TRUSTED_PROXIES): a local
# process calling a service directly on 127.0.0.1 is counted under its own address.
GATEWAY_UPSTREAM_ADDRESS=${GATEWAY_UPSTREAM_ADDRESS:-127.0.0.2}
