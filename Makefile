# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test lint format bench templates docs lock clean

# an editable install maps each package as it found it: a new __init__.py needs a reinstall
$(STAMP): pyproject.toml requirements.lock $(wildcard */__init__.py)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

demo: $(STAMP)
	$(VENV)/bin/vinhdanh demo

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# LOAD_DATABASE_URL: also run bench/load.py on this PostgreSQL database (which it wipes)
bench: $(STAMP)
	$(PY) bench/eligibility.py
	$(PY) bench/documents.py
	$(PY) bench/orchestration.py
	$(PY) bench/load.py
	$(if $(LOAD_DATABASE_URL),$(PY) bench/load.py --database-url $(LOAD_DATABASE_URL))

# Rebuild the default Word templates from document_templates/authoring.py.
templates: $(STAMP)
	$(PY) -m document_templates.authoring

# The rendered pages shown in the README (needs LibreOffice and poppler-utils).
docs: demo
	docs/render-pages.sh var/demo/van_ban docs

# Re-resolve the pinned versions after editing pyproject.toml's dependencies.
lock: $(STAMP)
	$(VENV)/bin/pip-compile --quiet --extra dev --strip-extras --output-file requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache *.egg-info
