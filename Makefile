# claimledger: `make` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

.PHONY: help install report test validate lab lint format bench docs clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

install: $(STAMP) ## create .venv and install the package with its test tools

report: $(STAMP) ## validate the ledger and build reports/ (offline)
	$(BIN)/claimledger report

test: $(STAMP) ## run the whole test suite
	$(BIN)/python -m pytest

validate: $(STAMP) ## check the ledger against datapackage.json and the ledger rules
	$(BIN)/claimledger validate

lab: $(STAMP) ## open JupyterLab on notebooks/
	$(BIN)/jupyter lab notebooks/

lint: $(STAMP) ## ruff check
	$(BIN)/ruff check src tests benchmarks

format: $(STAMP) ## ruff format
	$(BIN)/ruff format src tests benchmarks

docs: $(STAMP) ## regenerate the generated part of docs/data-model.md from datapackage.json
	$(BIN)/python -m claimledger.ledger.docs .

bench: $(STAMP) ## run the benchmarks (prints figures)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean: ## remove generated reports and the virtual environment
	rm -rf reports $(VENV)
