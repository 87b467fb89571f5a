# The front door. `make` builds every edition; `make test` runs every test.
# Each target installs what it needs: Debian packages (as root; otherwise it names the command)
# and a virtual environment from requirements.lock. `make help` lists the targets.

# ---- configuration ---------------------------------------------------------------------------
PYTHON      ?= python3
VENV        ?= .venv
# LANG=tag picks the edition of the single-language targets. Only a LANG given on the command line
# counts: the environment's LANG is the locale (es_MX.UTF-8), not an edition.
EDITION     := $(if $(filter command line,$(origin LANG)),$(LANG),es)
FORMATS     ?= html,epub,pdf
JOBS        ?= 0
PYTEST_ARGS ?=

VPY   := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CLI   := $(VPY) -m scripts

.DEFAULT_GOAL := all
.PHONY: all help test system venv html epub latexpdf pdf gettext update-po status check wrap preview \
        release release-gather bench clean distclean lint

help: ## list every target
	@echo "Usage: make [target] [LANG=tag] [FORMATS=html,epub,pdf] [JOBS=n]"
	@echo
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | sort | awk -F ':.*?## ' '{printf "  %-12s %s\n", $$1, $$2}'
	@echo
	@echo "Languages come from locale/languages.toml; outputs: build/site/ (website), dist/ (PDF, EPUB)."

# ---- set-up ----------------------------------------------------------------------------------
system: ## install (as root) or name the Debian packages the pipeline needs
	@$(PYTHON) scripts/system_deps.py

$(STAMP): requirements.lock | system
	@test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	@$(VPY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	@touch $(STAMP)

venv: $(STAMP) ## create the virtual environment from requirements.lock

# ---- building --------------------------------------------------------------------------------
all: system $(STAMP) ## build every edition: site, PDF and EPUB in every language
	@$(CLI) build --jobs $(JOBS)

html: system $(STAMP) ## HTML of one language (LANG=tag)
	@$(CLI) build --lang $(EDITION) --formats html

epub: system $(STAMP) ## EPUB of one language (LANG=tag)
	@$(CLI) build --lang $(EDITION) --formats epub

latexpdf pdf: system $(STAMP) ## PDF of one language (LANG=tag)
	@$(CLI) build --lang $(EDITION) --formats pdf

gettext: system $(STAMP) ## extract the message templates (.pot) into build/gettext
	@$(CLI) extract

# ---- translators -----------------------------------------------------------------------------
update-po: system $(STAMP) ## extract .pot and update every language's catalogs
	@$(CLI) update

status: $(STAMP) ## translation progress per language and document (and the README's chart)
	@$(CLI) status --svg locale/progreso.svg

check: $(STAMP) ## check every catalog (or FILES="a.po b.po")
	@$(CLI) check $(FILES)

wrap: $(STAMP) ## rewrite catalogs with the canonical wrapping
	@$(CLI) wrap

preview: system $(STAMP) ## draft HTML of one language including fuzzy entries (LANG=tag)
	@$(CLI) preview $(EDITION)

# ---- maintainers -----------------------------------------------------------------------------
release: system $(STAMP) ## build a tagged, reproducible release into dist/ (LANG=tag: that language only)
	@$(CLI) release $(if $(filter command line,$(origin LANG)),--lang $(LANG))

release-gather: system $(STAMP) ## publish what `make release LANG=...` jobs built: archive, notes, sums
	@$(CLI) release --gather

bench: system $(STAMP) ## measure the build matrix and the catalog tools
	@$(VPY) -m benchmarks

test: system $(STAMP) ## run every test
	@$(VPY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP) ## ruff over the code
	@$(VPY) -m ruff check scripts tests benchmarks

clean: ## remove build outputs (keeps the virtual environment)
	rm -rf build dist

distclean: clean ## remove build outputs and the virtual environment
	rm -rf $(VENV)
