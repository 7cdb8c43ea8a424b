# Two commands do all the set-up (see README.md):
#   make lab    create .venv, install the project, start JupyterLab on notebooks/
#   make test   the same set-up with the test extras, then every test
# Nothing is installed outside .venv.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# JupyterLab refuses to run as root unless told; only then is the flag added.
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
PYTEST_ARGS ?=

.PHONY: lab test setup setup-test app clean help

help:
	@echo "make lab    - set up .venv and start JupyterLab on notebooks/ (127.0.0.1, token on)"
	@echo "make test   - set up .venv with the test extras and run every test"
	@echo "make clean  - remove .venv and caches"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null || \
	  { echo "error: Python >= 3.10 is needed (found: $$($(PYTHON) --version 2>&1)). Set PYTHON=/path/to/python3.10+"; exit 1; }
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "error: could not create $(VENV). On Debian/Ubuntu: sudo apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

setup: $(VENV)/.installed
setup-test: $(VENV)/.installed-test

lab: $(VENV)/.installed
	@echo "Starting JupyterLab on 127.0.0.1 with a token: open the http://127.0.0.1:...?token=... URL printed below."
	@echo "If the port is taken, JupyterLab picks the next free one and prints it. Stop with Ctrl+C."
	$(BIN)/jupyter lab --no-browser --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=notebooks \
	  --LabApp.default_url=/lab/tree/00_start_here.ipynb $(ROOT_FLAG)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
