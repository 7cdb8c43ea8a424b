# Two commands do all the set-up (see README.md):
#   make lab    create .venv, install the project, start JupyterLab on the project with notebook 00 open
#   make app    the same set-up, then the explorer dashboard alone with Voila (no code shown)
#   make classroom  the same set-up, then serve the explorer to the room (LAN), with hand-in and a class view
#   make test   the same set-up with the test extras, then every test
# Nothing is installed outside this folder: Python packages go to .venv, and the one npm package the
# hub tests need (configurable-http-proxy) to node_modules/.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# JupyterLab refuses to run as root unless told; only then is the flag added.
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
PYTEST_ARGS ?=
# `make app`: the notebook Voila serves, its first-choice port, and its flags.
# tests/browser_support.py reads APP_NOTEBOOK and APP_FLAGS from here, so the browser test
# starts exactly what `make app` starts (keep each on one line).
APP_NOTEBOOK := app/explorer.ipynb
APP_PORT     ?= 8866
APP_FLAGS    := --no-browser --Voila.ip=127.0.0.1
# The hub tests (tests/test_hub.py) and benchmarks/hub_load.py run JupyterHub, whose proxy is the npm
# package configurable-http-proxy: installed into node_modules/ here (git-ignored), never globally.
# 4.6.x runs on Debian's Node.js 18 as on newer ones (5.x wants Node >= 20, and its commander >= 22).
NPM       ?= npm
CHP_VERSION := 4.6.3
PROXY     := node_modules/.bin/configurable-http-proxy

.PHONY: lab test setup setup-test proxy axe app classroom notebooks docs instructor teacher-kit clean help

help:
	@echo "make lab    - set up .venv and start JupyterLab on the project, notebook 00 open (127.0.0.1, token on)"
	@echo "make app    - set up .venv and serve the explorer dashboard with Voila (127.0.0.1:8866, or the next free port)"
	@echo "make classroom - set up .venv and serve the explorer to the room from this laptop (LAN address, class code, hand-in, teacher page; docs/teaching.md)"
	@echo "make test   - set up .venv with the test extras and run every test"
	@echo "make notebooks - rebuild notebooks/*.ipynb, notebooks/it/ and app/ from notebooks/src/*.md (see CONTRIBUTING.md)"
	@echo "make docs   - rewrite the generated parts of docs/model.md from the model and data/"
	@echo "make instructor - write the instructor edition (solutions filled in) to instructor/en and instructor/it"
	@echo "make teacher-kit - printable worksheets, answer keys and opening slides (en, it) in build/teacher-kit/"
	@echo "make proxy  - install configurable-http-proxy (npm) into node_modules/ for the JupyterHub tests"
	@echo "make clean  - remove .venv, node_modules and caches"

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

# configurable-http-proxy for the hub tests, from the npm registry into ./node_modules (no package.json
# or lock file is written; the version is pinned above and reinstalled when it changes). Without npm the
# hub tests are skipped (and fail under CI=true, where .ci/run installs Debian's nodejs and npm).
proxy:
	@if [ -x $(PROXY) ] && [ "$$($(PROXY) --version 2>/dev/null)" = "$(CHP_VERSION)" ]; then :; \
	elif command -v $(NPM) >/dev/null; then \
	  echo "Installing configurable-http-proxy $(CHP_VERSION) into node_modules/ (npm)"; \
	  $(NPM) install --prefix "$(CURDIR)" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
	    configurable-http-proxy@$(CHP_VERSION) && test -x $(PROXY); \
	else echo "warning: npm not found, so the JupyterHub tests will be skipped (Debian/Ubuntu: sudo apt-get install nodejs npm)"; fi

# axe-core (npm), the accessibility checker the browser tests inject into the Voila app and notebook 03
# (tests/test_accessibility.py): installed under node_modules/.axe/ (git-ignored; its own prefix, so that
# installing it never prunes configurable-http-proxy), pinned, never globally.
AXE_VERSION := 4.10.3
AXE := node_modules/.axe/node_modules/axe-core/axe.min.js

axe:
	@if [ -f $(AXE) ] && grep -q '"version": "$(AXE_VERSION)"' node_modules/.axe/node_modules/axe-core/package.json; then :; \
	elif command -v $(NPM) >/dev/null; then \
	  echo "Installing axe-core $(AXE_VERSION) into node_modules/.axe/ (npm)"; \
	  $(NPM) install --prefix "$(CURDIR)/node_modules/.axe" --no-save --no-package-lock --no-audit --no-fund \
	    --loglevel=error axe-core@$(AXE_VERSION) && test -f $(AXE); \
	else echo "warning: npm not found, so the accessibility tests will be skipped"; fi

# JupyterLab's root is the project folder, so that data/, docs/model.md and cases/, which the notebooks
# link to, open in the lab; it starts with notebook 00 open (a notebook's kernel still runs in its own folder).
LAB_START := /lab/tree/notebooks/00_start_here.ipynb

# Port: 8888, or when taken the next free one (JupyterLab's ServerApp.port_retries, default 50;
# checked with 8888 held by another process: it logs "The port 8888 is already in use" and serves on 8889).
lab: $(VENV)/.installed
	@echo "Starting JupyterLab on 127.0.0.1 with a token: open the http://127.0.0.1:...?token=... URL printed below."
	@echo "If the port is taken, JupyterLab picks the next free one and prints it. Stop with Ctrl+C."
	$(BIN)/jupyter lab --no-browser --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=. \
	  --LabApp.default_url=$(LAB_START) $(ROOT_FLAG)

# A port is taken when something on 127.0.0.1 accepts a connection there; then the next free one
# is used and the message says so. Should the port be grabbed between this check and the start,
# Voila's own retry (the next ports) moves on and prints the URL it really uses.
app: $(VENV)/.installed
	@port=$$($(BIN)/python -c 'import socket, sys; p = int(sys.argv[1]); print(next((q for q in range(p, p + 50) if socket.socket().connect_ex(("127.0.0.1", q))), ""))' $(APP_PORT)); \
	  [ -n "$$port" ] || { echo "error: no free port in $(APP_PORT)..$$(($(APP_PORT) + 49)): stop a server there or set APP_PORT=..."; exit 1; }; \
	  if [ "$$port" != "$(APP_PORT)" ]; then echo "Port $(APP_PORT) is taken: using port $$port instead."; fi; \
	  echo "Serving the explorer dashboard with Voila: open http://127.0.0.1:$$port/ (stop with Ctrl+C)."; \
	  echo "If Voila says that port is in use too, open the URL it prints after 'Voilà is running at:'."; \
	  set -x; $(BIN)/python -m voila $(APP_NOTEBOOK) $(APP_FLAGS) --port=$$port

# `make classroom`: the explorer for a whole class from this laptop (toolkit/classroom.py, docs/teaching.md):
# on the laptop's address on the room's network (not 127.0.0.1: this mode only), with a class code,
# a teacher page and hand-ins in classroom/<today>/. More options: make classroom CLASSROOM_FLAGS="--lang it
# --students 30" (python -m toolkit classroom --help).
CLASSROOM_FLAGS ?=
$(VENV)/.installed-classroom: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[classroom]'
	@touch $@ $(VENV)/.installed

classroom: $(VENV)/.installed-classroom
	$(BIN)/python -m toolkit classroom $(CLASSROOM_FLAGS)

# The notebooks are built from their Markdown sources, notebooks/src/<lang>/*.md, and notebooks/manifest.yml.
# A notebook edited by hand is never overwritten: ADOPT=1 carries its edited cells into the source,
# FORCE=1 discards the edit.
notebooks: $(VENV)/.installed
	$(BIN)/python tools/build_notebooks.py $(if $(ADOPT),--adopt) $(if $(FORCE),--force)

# docs/model.md's generated parts (the formulas, the tables of data/, the recommendations) from the code and data.
docs: $(VENV)/.installed
	$(BIN)/python tools/model_doc.py

# The instructor edition: the notebooks with every graded question solved, from the same sources as
# notebooks/. Generated, git-ignored: do not hand it to students.
instructor: $(VENV)/.installed
	$(BIN)/python tools/build_notebooks.py --instructor instructor

# The teacher's kit (docs/teaching.md, docs/it/teaching.md), into build/teacher-kit/ (git-ignored):
# <lang>/worksheet/   the student notebooks as printable HTML (nbconvert, not executed: questions open)
# <lang>/answer_key/  the instructor edition as HTML: solutions, worked answers, the rubric of 05
# <lang>/opening_slides.slides.html  reveal.js slides (nbconvert --to slides) from docs/slides/opening.md
KIT := build/teacher-kit
KIT_NOTEBOOKS := 00_start_here 01_costs 02_legal_risks 03_tradeoff_explorer 04_contract_clauses 05_case_study 06_uncertainty
teacher-kit: $(VENV)/.installed
	rm -rf $(KIT) && mkdir -p $(KIT)
	$(BIN)/python tools/build_notebooks.py --instructor $(KIT)/instructor
	for lang in en it; do \
	  src=notebooks; [ $$lang = it ] && src=notebooks/it; \
	  for nb in $(KIT_NOTEBOOKS); do \
	    $(BIN)/jupyter nbconvert --to html --log-level=WARN $$src/$$nb.ipynb --output-dir $(KIT)/$$lang/worksheet || exit 1; \
	    $(BIN)/jupyter nbconvert --to html --log-level=WARN $(KIT)/instructor/$$lang/$$nb.ipynb \
	      --output-dir $(KIT)/$$lang/answer_key || exit 1; \
	  done; \
	  slides=docs/slides/opening.md; [ $$lang = it ] && slides=docs/it/slides/opening.md; \
	  $(BIN)/jupytext --quiet --to ipynb $$slides -o $(KIT)/$$lang/opening_slides.ipynb || exit 1; \
	  $(BIN)/jupyter nbconvert --to slides --log-level=WARN $(KIT)/$$lang/opening_slides.ipynb || exit 1; \
	done
	@echo "teacher's kit in $(KIT)/: en/ and it/ (worksheet/, answer_key/, opening_slides.slides.html)"

test: $(VENV)/.installed-test proxy axe
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules .pytest_cache .hypothesis build *.egg-info
