# Two commands do everything on a fresh machine with Python 3.11+, Node 20 and make:
#   make demo   run the whole product locally against the stand-ins
#   make test   install what the tests need, then run every test and check
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := apps_script/node_modules/.installed

.PHONY: demo test lint typecheck pytest node-test bench fixtures clean deploy

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $(INSTALLED)

$(NODE_INSTALLED): apps_script/package.json apps_script/package-lock.json
	cd apps_script && npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_INSTALLED)

demo: $(INSTALLED)
	$(PY) -m sandbox.demo

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(INSTALLED)
	$(VENV)/bin/mypy

pytest: $(INSTALLED) $(NODE_INSTALLED)
	./scripts/ensure-firestore-emulator.sh
	$(VENV)/bin/pytest

node-test: $(NODE_INSTALLED)
	./scripts/ensure-chromium.sh
	cd apps_script && npm test && npm run test:browser

test: lint typecheck node-test pytest

# make bench: the menu (Apps Script in Node) -> function -> stand-ins with Google's limits on, for
# 1,000 and 10,000 rows; prints figures and targets (~7 minutes). Not part of make test.
bench: $(INSTALLED) $(NODE_INSTALLED)
	$(PY) -m bench.run

# make deploy PROJECT=your-project-id REGION=europe-west1 [ALLOWED_AUDIENCES=… ALLOWED_USERS=…
# JOBMOJITO_MERCHANT_ID=… SCRIPT_ID=… DRY_RUN=1 FORCE=1]: see docs/deployment.md. Needs gcloud,
# Node 20 (clasp) and Python 3.11; make passes the variables to the script in its environment.
deploy:
	$(PYTHON) scripts/deploy.py

# Re-record the real function's answers the Apps Script's fake function replays
# (apps_script/test/fixtures/); `python -m sandbox.script_fixtures --check` only compares.
fixtures: $(INSTALLED)
	$(PY) -m sandbox.script_fixtures

clean:
	rm -rf $(VENV) apps_script/node_modules
