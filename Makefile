# Two entry points for a fresh clone: `make start` (install, ingest if needed, serve) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1

.PHONY: start test gate install install-test ingest bench clean

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
	$(BIN)/streamlit run app.py --server.address 127.0.0.1

# Regression gate on the shipped suites: thresholds a little under the figures in README "Quality".
GATE_HOME := test-output/gate-home
GATE := --fail-under retrieval.hybrid.R@5=0.95 --fail-under retrieval.hybrid.MRR@10=0.86 \
	--fail-under answers.evidence_in_answer=0.89 --fail-under answers.abstain_recall=0.65 \
	--fail-under answers.pass_rate=0.85

gate: install-test
	$(BIN)/dutykb ingest --quiet --home $(GATE_HOME)
	$(BIN)/dutykb eval --quiet --no-baseline --home $(GATE_HOME) --report test-output/eval $(GATE)

test: gate
	$(BIN)/python -m pytest

bench: install
	$(BIN)/dutykb ingest --quiet
	$(BIN)/dutykb bench search
	$(BIN)/dutykb bench retrieval --suite evals/suites/seed.yaml

clean:
	rm -rf .dutykb
