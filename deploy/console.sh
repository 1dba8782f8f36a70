#!/usr/bin/env bash
# The web console (console/): a single-page app the gateway serves at /console/.
#
#   deploy/console.sh install   npm install in console/ (the lock's versions), and Debian's chromium for the browser tests
#   deploy/console.sh build     console/dist (what deploy/gateway.sh serves)
#   deploy/console.sh check     type check, unit tests (Vitest) and the build, as make test runs them
#   deploy/console.sh api-types src/api/generated from docs/api (after make docs)
#
# Browser tests drive /usr/bin/chromium (Debian's package): no tool downloads a browser of its own.
set -euo pipefail
LOG_TAG=console
# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CONSOLE_DIR="$REPO_ROOT/console"

install() {
    need npm "install Node.js 20 or later with npm"
    if [ ! -d "$CONSOLE_DIR/node_modules" ] || [ "$CONSOLE_DIR/package-lock.json" -nt "$CONSOLE_DIR/node_modules/.package-lock.json" ]; then
        # npm install, not npm ci: vite lists an optional Windows-only package the registry here
        # does not serve (404), so the lock file cannot hold it and npm ci refuses the lock.
        # npm install takes the versions the lock file pins and leaves it unchanged.
        log "npm install in console/ (the versions of package-lock.json)"
        (cd "$CONSOLE_DIR" && npm install --no-audit --no-fund --loglevel=error)
    fi
    if [ -x /usr/bin/chromium ]; then
        log "chromium present: /usr/bin/chromium"
    else
        (apt_install chromium) || log "no chromium: the console's browser tests will be skipped"
    fi
}

build() {
    (cd "$CONSOLE_DIR" && npx vite build --logLevel warn)
    log "built console/dist (served by the gateway at /console/)"
}

check() {
    (cd "$CONSOLE_DIR" && npx tsc --noEmit && npx vitest run && npx vite build --logLevel warn)
}

api_types() {
    local docs; docs=$(cd "$REPO_ROOT" && realpath "${1:-docs/api}"); (cd "$CONSOLE_DIR" && node scripts/api-types.mjs "$docs")
}

case "${1:-}" in
    install) install ;;
    build) build ;;
    check) check ;;
    api-types) api_types "${2:-}" ;;
    *) echo "usage: deploy/console.sh install|build|check|api-types [docs dir]" >&2; exit 2 ;;
esac
