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

# A process is ours and alive only when it runs (not a zombie: a SIGKILLed child whose
# parent is gone stays one where PID 1 does not reap) with the command line we started.
# A pid file alone proves neither: the pid may be a zombie, or recycled by another program.

# proc_running <pid>: the process exists and is not a zombie (/proc/<pid>/stat state Z or X).
proc_running() {
    local stat state
    [[ "${1:-}" =~ ^[0-9]+$ ]] || return 1
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    state=${stat##*) } # the command name in parentheses may hold spaces
    state=${state%% *}
    [ "$state" != Z ] && [ "$state" != X ]
}

# proc_cmdline <pid>: its arguments joined by single spaces (empty for a zombie).
proc_cmdline() {
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null
}

# proc_is <pid> <command>: the process runs and its command line holds <command> as whole
# words (a glob pattern: nginx rewrites its title to "nginx: master process <argv>").
proc_is() {
    local pid=$1 command=$2 cmdline
    proc_running "$pid" || return 1
    cmdline=$(proc_cmdline "$pid")
    cmdline=" ${cmdline%"${cmdline##*[! ]}"} " # trailing padding (redis pads its title)
    # shellcheck disable=SC2053 # $command is a pattern on purpose
    [[ "$cmdline" == *" "$command" "* ]]
}

# pid_alive <pidfile> <command>: the pid in the file is ours and alive (see proc_is).
pid_alive() {
    local pid
    [ -s "$1" ] || return 1
    pid=$(head -n1 "$1")
    proc_is "$pid" "$2"
}

# record_pid <pidfile> <pid> <command>: write the pid of a process just started in the
# background, once it has exec'd <command> (until then /proc shows the forking shell).
record_pid() {
    local pidfile=$1 pid=$2 command=$3 i
    echo "$pid" >"$pidfile"
    for ((i = 0; i < 40; i++)); do
        proc_is "$pid" "$command" && return 0
        proc_running "$pid" || return 1
        sleep 0.05
    done
    return 1
}

# stop_pid <pidfile> <name> <grace seconds> <command>: SIGTERM, wait, SIGKILL after the grace
# period; only when the pid is ours and alive (a recycled pid is left alone).
stop_pid() {
    local pidfile=$1 name=$2 grace=${3:-20} command=$4 pid i
    if ! pid_alive "$pidfile" "$command"; then
        log "$name is not running"
        rm -f "$pidfile"
        return 0
    fi
    pid=$(head -n1 "$pidfile")
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 4; i++)); do
        proc_is "$pid" "$command" || break
        sleep 0.25
    done
    if proc_is "$pid" "$command"; then
        log "$name did not exit after ${grace}s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.5
    fi
    rm -f "$pidfile"
    log "$name stopped"
}

# wait_port <port> <seconds> <pidfile> <command>: wait until the port accepts connections,
# failing early when the process died.
wait_port() {
    local port=$1 timeout=$2 pidfile=$3 command=$4 i
    for ((i = 0; i < timeout * 4; i++)); do
        port_open "$port" && return 0
        if [ -n "$pidfile" ] && ! pid_alive "$pidfile" "$command"; then return 1; fi
        sleep 0.25
    done
    return 1
}

# The gateway connects to the services from this loopback address (nginx proxy_bind), and
# the services believe X-Forwarded-For only from it (STOREFRONTS_TRUSTED_PROXIES): a local
# process calling a service directly on 127.0.0.1 is counted under its own address.
GATEWAY_UPSTREAM_ADDRESS=${GATEWAY_UPSTREAM_ADDRESS:-127.0.0.2}
