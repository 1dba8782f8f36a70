# Storefronts order intake — the two commands: `make up` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
PYTEST := $(PY) -m pytest --durations=25
UNIT_PATHS := libs/events/tests libs/service-runtime/tests tests/contract tests/bench $(wildcard services/*/tests/unit)

.PHONY: install bytecode up down status test test-unit test-integration infra-up infra-down schemas docs lint typecheck clean migration migrations-initial bench console console-check bench-order-path bench-runtime

install: ## virtualenv with every package, Java and Maven (Debian packages), Kafka jars, nginx for the gateway, the console's npm packages and Debian's chromium (what a fresh machine lacks)
	@command -v uv >/dev/null || python3 -m pip install --quiet uv
	uv sync --all-packages --frozen --quiet
	$(MAKE) --no-print-directory bytecode
	deploy/kafka.sh install
	deploy/kafka.sh fetch
	deploy/gateway.sh install
	deploy/console.sh install

# Every Python process of a run (pytest, each service a test launches, each command-line test)
# imports FastAPI, SQLAlchemy, pydantic, Alembic...: about 5 s of CPU when it compiles them from
# source, 2 s from bytecode. Where PYTHONDONTWRITEBYTECODE is set (this machine's environment)
# nothing is ever cached, so every one of the suite's hundreds of processes paid the 5 s.
# Python reads .pyc files whatever that variable says: compile them once (a no-op when up to date).
bytecode: ## byte-compile the virtualenv and every package's src (imports cost 2 s of CPU instead of 5)
	$(PY) -m compileall -q -j 0 $$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])') libs/*/src services/*/src

up: install ## Kafka, the SMTP catcher, every service and the gateway, on this machine
	deploy/kafka.sh start
	deploy/smtp.sh start
	deploy/services.sh start
	$(PY) -m mapping load-catalog  # the sample catalog (apparel, posters, mugs, cards); a second run changes nothing
	deploy/console.sh build
	deploy/gateway.sh install || echo "no gateway: nginx could not be installed (services still answer on their ports)"
	deploy/gateway.sh start
	@echo "Gateway: http://127.0.0.1:8080 (every API behind one address; the web console at /console/)"
	@echo "Mail received by the SMTP catcher: var/run/mail/*.eml — logs: var/run/services/"

down: ## stop the gateway, the services, the SMTP catcher and Kafka
	deploy/gateway.sh stop
	deploy/services.sh stop
	deploy/smtp.sh stop
	deploy/kafka.sh stop

status:
	deploy/services.sh status
	deploy/stack.sh status

infra-up: ## Kafka, PostgreSQL, Redis and the SMTP catcher for tests (see deploy/)
	deploy/stack.sh up

infra-down:
	deploy/stack.sh down

test: install infra-up lint console-check ## every test, with the real Kafka, PostgreSQL, Redis and SMTP started once
	$(PY) -m storefront_events.schemas check
	set -a && source var/run/stack.env && set +a && $(PYTEST) libs services tests

test-unit: install ## no infrastructure
	$(PYTEST) $(UNIT_PATHS)

test-integration: install infra-up
	set -a && source var/run/stack.env && set +a && $(PYTEST) $(wildcard services/*/tests/integration) tests/delivery

LABEL ?= $(shell date -u +%Y%m%d)
bench: install infra-up ## every benchmark in sequence (QUICK=1: small workloads; ONLY=intake,...): bench/results/*-$(LABEL).*, suite-$(LABEL).md
	set -a && source var/run/stack.env && set +a && $(PY) -m bench all --label $(LABEL) $(if $(QUICK),--quick) $(if $(ONLY),--only $(ONLY)) $(BENCH_ARGS)

bench-runtime: install infra-up ## the Kafka ceiling and the runtime alone (what make bench ran before): bench/results/runtime-$(LABEL).json and .md
	set -a && source var/run/stack.env && set +a && $(PY) -m bench --label $(LABEL) $(BENCH_ARGS)

bench-order-path: install infra-up ## webhooks in to OrderAccepted out, at rising rates: bench/results/order-path-$(LABEL).json, .md, .svg, .png
	set -a && source var/run/stack.env && set +a && $(PY) -m bench order-path --label $(LABEL) $(BENCH_ARGS)

lint: ## ruff (lint and format), one-way imports inside every service, mypy --strict on what is typed
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports
	$(MAKE) --no-print-directory typecheck

# mypy --strict on what is typed so far (see [tool.mypy] in pyproject.toml); the rest is not checked yet
RUNTIME_TYPED := errors ports unit_of_work outbox event_router http translated_problems transient runtime settings background correlation database faults \
	kafka_admin kafka_clients logging messages messaging outbound problems secrets text versions dead_letters docs \
	inbox housekeeping csv_files relay revocations auth migrations ops/__main__ ops/gateway ops/kafka_topics ops/lag ops/mail partitioner heap
TYPECHECKED := libs/events/src/storefront_events \
	$(patsubst %,libs/service-runtime/src/service_runtime/%.py,$(RUNTIME_TYPED)) \
	services/client-service/src/client/domain.py services/client-service/src/client/handlers.py \
	services/access-service/src/access/domain services/access-service/src/access/handlers \
	services/notifier-service/src/notifier/domain.py services/notifier-service/src/notifier/handlers.py \
	services/notifier-service/src/notifier/postbacks.py services/notifier-service/src/notifier/postback_handlers.py \
	services/connector-service/src/connector services/mapping-service/src/mapping \
	services/order-intake-service/src/order_intake

typecheck: ## mypy --strict on libs/events, most of libs/service-runtime, each service's domain and handlers, the new services whole
	.venv/bin/mypy --strict $(TYPECHECKED)
	MYPYPATH=services/access-service/src:services/client-service/src:services/notifier-service/src:services/order-intake-service/src \
		.venv/bin/mypy --strict --follow-imports=silent tests/typing/units_of_work.py

schemas: ## regenerate the events' JSON Schemas and CATALOG.md after changing libs/events
	$(PY) -m storefront_events.schemas write

SERVICES := client access notifier connector mapping order-intake

migration: ## a new Alembic revision after a model change: make migration SERVICE=access MSG="users: add a locale"
	@test -n "$(SERVICE)" && test -n "$(MSG)" || { echo 'usage: make migration SERVICE=<service> MSG="what changed"'; exit 2; }
	$(PY) -m service_runtime.migrations revision $(SERVICE) -m "$(MSG)"

migrations-initial: ## rewrite every service's history as one 0001 from today's models (before the first release only)
	for service in $(SERVICES); do $(PY) -m service_runtime.migrations initial $$service || exit 1; done
	$(PY) -c 'import asyncio; from service_runtime.migrations import new_revision; from service_runtime.testing.helpers import RUNTIME_ONLY as m; asyncio.run(new_revision(m, m.metadata(revocations=True), message="initial", initial=True))'

docs: ## OpenAPI and AsyncAPI documents of every service into docs/api/, and the console's API types from them
	$(PY) -m service_runtime.docs docs/api
	deploy/console.sh api-types docs/api

console: ## build the web console into console/dist (the gateway serves it at /console/)
	deploy/console.sh build

console-check: ## the console's type check (tsc --noEmit), unit tests (Vitest) and build (vite build); its browser tests are in tests/console
	deploy/console.sh check

clean: down
	rm -rf var/data
