# Two commands matter: `make demo` and `make test`. Both create or reuse .venv and install the project into it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.kd_nb-installed
export HF_HUB_OFFLINE ?= 1
export MPLBACKEND ?= Agg

.PHONY: install demo test check-clean export test-notebooks bench clean-demo

$(STAMP): settings.ini setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip setuptools wheel
	$(BIN)/python -m pip install -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/kd_experiments --config configs/sweep_demo.yaml

# Notebooks must carry no outputs and nbdev_export must leave kd_nb/ unchanged.
check-clean: $(STAMP)
	$(BIN)/nbdev_clean
	@git diff --quiet -- nbs || { echo "Notebooks are not clean: run nbdev_clean and commit."; git diff --stat -- nbs; exit 1; }
	$(BIN)/nbdev_export
	@git diff --quiet -- kd_nb && test -z "$$(git status --porcelain -- kd_nb)" || { echo "nbdev_export changed kd_nb/: export the notebooks and commit."; git status --short -- kd_nb; exit 1; }

test: check-clean
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python .ci/nbtest.py

bench: $(STAMP)
	$(BIN)/python -m pip install -q -e ".[dev,bench]"
	$(BIN)/python benchmarks/bench_step.py
