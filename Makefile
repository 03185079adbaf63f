# Two entry points for a fresh clone: `make start` (install, ingest if needed, serve) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1

.PHONY: start test install install-test ingest bench clean

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
	$(BIN)/dutykb search

test: install-test
	$(BIN)/python -m pytest

bench: install
	$(BIN)/dutykb ingest --quiet
	$(BIN)/dutykb bench search
	$(BIN)/dutykb bench retrieval --suite evals/suites/seed.yaml

clean:
	rm -rf .dutykb
