# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo serve screenshots test lint format bench templates docs lock assets clean

# an editable install maps each package as it found it: a new __init__.py needs a reinstall
$(STAMP): pyproject.toml requirements.lock $(wildcard */__init__.py)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

demo: $(STAMP)
	$(VENV)/bin/vinhdanh demo

# The demo's database (after `make demo`), pages and API at http://127.0.0.1:8000.
serve: $(STAMP)
	$(VENV)/bin/vinhdanh serve

# The README's screenshots of each role's main page on the demo season (docs/screens/).
screenshots: $(STAMP)
	$(PY) docs/screenshots.py

# both cores (pytest-xdist), each worker taking the next test as it frees up (worksteal: a
# long file no longer keeps one core busy while the other idles); TEST_WORKERS=0: one process
TEST_WORKERS ?= 2
test: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# What each measures, how long it takes and its latest figures: BENCHMARKS.md.
# LOAD_DATABASE_URL: also run bench/load.py on this PostgreSQL database (which it wipes);
# SEASON_SIZES and SEASON_MODES: bench/season.py's (add distributed to the modes for the cluster).
SEASON_SIZES ?= 1000,10000
SEASON_MODES ?= direct,embedded
bench: $(STAMP)
	$(PY) bench/eligibility.py
	$(PY) bench/documents.py
	$(PY) bench/orchestration.py
	$(PY) bench/load.py
	$(if $(LOAD_DATABASE_URL),$(PY) bench/load.py --database-url $(LOAD_DATABASE_URL))
	$(PY) bench/season.py --sizes $(SEASON_SIZES) --modes $(SEASON_MODES)

# Rebuild the default Word templates from document_templates/authoring.py.
templates: $(STAMP)
	$(PY) -m document_templates.authoring
	$(PY) -m document_templates.authoring_registers
	$(PY) -m document_templates.authoring_campaigns

# The rendered pages shown in the README (needs LibreOffice and poppler-utils).
docs: demo
	docs/render-pages.sh var/demo/van_ban docs

# Re-resolve the pinned versions after editing pyproject.toml's dependencies.
lock: $(STAMP)
	$(VENV)/bin/pip-compile --quiet --extra dev --strip-extras --output-file requirements.lock pyproject.toml

# The API docs' scripts and styles, served by the app (service/static/vendor), never from a CDN:
# an offline government network must still show /docs and /redoc. axe-core is the accessibility
# checker the browser tests inject into every page they visit (tests/browser), never the pages. htmx
# lets a page with long work running poll its progress (pages work without it). Pinned versions and the
# registry's integrity digests; the files are committed, so this only runs to upgrade them.
VENDOR := service/static/vendor
ASSETS := swagger-ui-dist@5.35.0=sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ== \
          redoc@2.5.4=sha512-M6jWhG1qoBnH6TFmzJnstyCZ87HmOY/UzDm78mHiYihEdlV/YcS9ogOo1NlElnJMeLsyxHFe2yFc4sNjHTrABQ== \
          axe-core@4.14.1=sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ== \
          htmx.org@2.0.11=sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA==
assets:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	for pinned in $(ASSETS); do \
	  spec=$${pinned%%=*}; want=$${pinned#*=}; \
	  file=$$(cd $$tmp && npm pack --silent $$spec); \
	  got=sha512-$$(openssl dgst -sha512 -binary $$tmp/$$file | base64 -w0); \
	  [ "$$got" = "$$want" ] || { echo "$$spec: integrity $$got, expected $$want"; exit 1; }; \
	  tar xzf $$tmp/$$file -C $$tmp && mkdir -p $$tmp/$${spec%@*} && mv $$tmp/package/* $$tmp/$${spec%@*}/ && rmdir $$tmp/package; \
	done; \
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/swagger-ui $(VENDOR)/redoc $(VENDOR)/axe-core $(VENDOR)/htmx; \
	cp $$tmp/swagger-ui-dist/swagger-ui-bundle.js $$tmp/swagger-ui-dist/swagger-ui.css $$tmp/swagger-ui-dist/LICENSE $$tmp/swagger-ui-dist/NOTICE $(VENDOR)/swagger-ui/; \
	cp $$tmp/redoc/bundles/redoc.standalone.js $$tmp/redoc/bundles/redoc.standalone.js.LICENSE.txt $$tmp/redoc/LICENSE $(VENDOR)/redoc/; \
	cp $$tmp/axe-core/axe.min.js $$tmp/axe-core/LICENSE $(VENDOR)/axe-core/; \
	cp $$tmp/htmx.org/dist/htmx.min.js $$tmp/htmx.org/LICENSE $(VENDOR)/htmx/; \
	printf '%s\n' $(ASSETS) > $(VENDOR)/VERSIONS; echo "$(VENDOR): $(ASSETS)"

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache *.egg-info
