# The two commands of the README: `make quiz` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: quiz test bench install clean

$(BIN)/mlsquiz: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "mlsquiz needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m compileall -q src  # bytecode once, as pip does for a regular install
	@touch $@

$(VENV)/.test-deps: $(BIN)/mlsquiz
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

install: $(BIN)/mlsquiz

quiz: $(BIN)/mlsquiz
	$(BIN)/mlsquiz quiz

test: $(VENV)/.test-deps
	$(BIN)/python -m pytest

bench: $(VENV)/.test-deps
	$(BIN)/python -m compileall -q src  # the sources as they are now, not as installed
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
