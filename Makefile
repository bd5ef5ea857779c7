# The two commands of the README. Everything they need is installed from here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: up test install kafka-jars postgres lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# Fetch the pinned Kafka broker's jars with Maven (cached per version).
kafka-jars: install
	$(BIN)/python -c "from infra.broker import fetch_jars; from infra.settings import Settings; print(fetch_jars(Settings().cache_dir))"

# PostgreSQL from the system's packages, for the tests that need a real server.
postgres:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then \
		echo "PostgreSQL server found"; \
	else \
		echo "installing PostgreSQL from the system's packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	fi

up: install
	$(BIN)/wirewatch up

lint: install
	$(BIN)/ruff check .

test: install kafka-jars postgres lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
