# Two commands set up everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint typecheck unit schema chaos bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/demo.py

test: $(STAMP) lint typecheck
	$(BIN)/pytest -n 2 --dist loadgroup -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples

typecheck: $(STAMP)
	$(BIN)/mypy

schema: $(STAMP)
	$(BIN)/sfsync schema > schema/sfsync.schema.json

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

# The full reliability run: 200 seeded chaos runs (prints the figures); 200 REST runs with updates delayed 500 ms
# at the org while a person races them (the write guard must leave 0 raced in flight); 5,000 fuzzed inputs per kind.
chaos: $(STAMP)
	$(BIN)/python -m tests.reliability.chaos --runs 200 --workers 3
	$(BIN)/python -m tests.reliability.chaos --runs 200 --workers 3 --paths rest --update-latency-ms 500 --large-every 0
	HYPOTHESIS_PROFILE=full $(BIN)/pytest -p no:cacheprovider -q tests/reliability/test_fuzz.py

clean:
	rm -rf $(VENV) .sfsync .pytest_cache
