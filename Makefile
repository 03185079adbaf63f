# Two entry points for a fresh clone: `make start` (install, ingest if needed, serve) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1

.PHONY: start test lint gate install install-test ingest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[st,test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

ingest: install
	$(BIN)/dutykb ingest

start: install
	$(BIN)/dutykb ingest
	$(BIN)/streamlit run serve.py --server.address 127.0.0.1

# Style and types: ruff on everything, mypy on every package and the app entry.
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy kb ingest evals apps app.py serve.py

# The tests, including the regression gate (tests/test_gate.py: `dutykb eval --gate evals/gate.yaml`).
test: lint
	$(BIN)/python -m pytest

# The gate alone, against the live index in .dutykb (what CI runs inside `make test`).
gate: install
	$(BIN)/dutykb ingest --quiet
	$(BIN)/dutykb eval --quiet --gate evals/gate.yaml

bench: install
	$(BIN)/dutykb ingest --quiet
	$(BIN)/dutykb bench search
	$(BIN)/dutykb bench retrieval --suite evals/suites/seed.yaml

clean:
	rm -rf .dutykb
