# The front door. `make` builds every edition; `make test` runs every test.
# Each target installs what it needs: Debian packages (as root; otherwise it names the command)
# and a virtual environment from requirements.lock. `make help` lists the targets.

# ---- configuration ---------------------------------------------------------------------------
PYTHON      ?= python3
VENV        ?= .venv
# EDITION=tag picks the language of the single-language targets (html, epub, latexpdf, preview,
# worksheet). LANG=tag on the command line still works, but it is the process locale for every
# other program (latexmk and xindy print "Setting locale failed" with LANG=yua), so it is read as
# the edition and the tools get C.UTF-8. The environment's LANG (es_MX.UTF-8) is left alone.
ifeq ($(origin LANG),command line)
EDITION     := $(LANG)
EDITION_SET := 1
override LANG := C.UTF-8
endif
ifneq ($(filter command line environment,$(origin EDITION)),)
EDITION_SET := 1
endif
EDITION     ?= es
# Empty: each edition's own formats (the model: site, PDF, EPUB; an adoption adds DOCX).
FORMATS     ?=
# ADOPCION=adopciones/SLUG builds (or releases) that government's adoption instead of the model.
ADOPCION    ?=
JOBS        ?= 0
PYTEST_ARGS ?=
# As in Sphinx's own Makefile: extra sphinx-build options, and the sphinx-build to run.
SPHINXOPTS  ?=
SPHINXBUILD ?=
export SPHINXOPTS SPHINXBUILD

VPY     := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
CLI     := $(VPY) -m scripts
# Debian packages by need: each target installs (as root) or names only what it uses.
SYSDEPS := $(PYTHON) scripts/system_deps.py

.DEFAULT_GOAL := all
.PHONY: all help test test-fresh system venv html epub latexpdf pdf gettext update-po status check wrap \
        preview worksheet adopt-new adopt-check release release-gather bench clean distclean lint lock

help: ## list every target
	@echo "Usage: make [target] [EDITION=tag] [ADOPCION=adopciones/SLUG] [FORMATS=html,epub,pdf] [JOBS=n] [SPHINXOPTS=...]"
	@echo
	@grep -E '^[a-zA-Z_ -]+:.*?## ' $(MAKEFILE_LIST) | sort | awk -F ':.*?## ' '{printf "  %-14s %s\n", $$1, $$2}'
	@echo
	@echo "Languages come from locale/languages.toml; outputs: build/site/ (website), dist/ (PDF, EPUB)."
	@echo "Debian packages each target needs: python3 scripts/system_deps.py --list"

# ---- set-up ----------------------------------------------------------------------------------
system: ## install (as root) or name the Debian packages of every target (make test's set)
	@$(SYSDEPS) test

# The virtual environment, from the lock, every file checked against its hash.
$(STAMP): requirements.lock
	@$(SYSDEPS) venv
	@test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	@$(VPY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	@touch $(STAMP)

venv: $(STAMP) ## create the virtual environment from requirements.lock

lock: ## re-resolve requirements.lock (with hashes) for the oldest supported Python, 3.11.2
	@$(PYTHON) -m venv build/lock-tools && build/lock-tools/bin/pip install --quiet --disable-pip-version-check uv==0.13.9
	@build/lock-tools/bin/uv pip compile pyproject.toml --extra test --extra lint --python-version 3.11.2 \
	    --generate-hashes --custom-compile-command "make lock" --output-file requirements.lock --quiet
	@echo "requirements.lock re-resolved; run make test to check it"

# ---- building --------------------------------------------------------------------------------
all: $(STAMP) ## build every edition in every language (FORMATS=html,pdf to choose; ADOPCION=adopciones/SLUG)
	@$(SYSDEPS) all
	@$(CLI) build --jobs $(JOBS) $(if $(FORMATS),--formats $(FORMATS)) $(if $(ADOPCION),--adoption $(ADOPCION))

html: $(STAMP) ## HTML of one language (EDITION=tag)
	@$(SYSDEPS) html
	@$(CLI) build --lang $(EDITION) --formats html

epub: $(STAMP) ## EPUB of one language (EDITION=tag)
	@$(SYSDEPS) epub
	@$(CLI) build --lang $(EDITION) --formats epub

latexpdf pdf: $(STAMP) ## PDF of one language (EDITION=tag)
	@$(SYSDEPS) latexpdf
	@$(CLI) build --lang $(EDITION) --formats pdf

gettext: $(STAMP) ## extract the message templates (.pot) into build/gettext
	@$(SYSDEPS) gettext
	@$(CLI) extract

# ---- translators -----------------------------------------------------------------------------
update-po: $(STAMP) ## extract .pot and update every language's catalogs
	@$(SYSDEPS) update-po
	@$(CLI) update

status: $(STAMP) ## translation progress per language and document (and the README's chart)
	@$(SYSDEPS) status
	@$(CLI) status --svg locale/progreso.svg

check: $(STAMP) ## check every catalog (or FILES="a.po b.po")
	@$(SYSDEPS) check
	@$(CLI) check $(FILES)

wrap: $(STAMP) ## rewrite catalogs with the canonical wrapping
	@$(SYSDEPS) wrap
	@$(CLI) wrap

preview: $(STAMP) ## draft HTML of one language including fuzzy entries (EDITION=tag)
	@$(SYSDEPS) preview
	@$(CLI) preview $(EDITION)

worksheet: $(STAMP) ## bilingual worksheet (.xlsx, .ods, .docx) of what remains to translate (EDITION=tag)
	@$(SYSDEPS) worksheet
	@$(CLI) worksheet export $(EDITION)

# ---- governments that adopt the policy -------------------------------------------------------
adopt-new: $(STAMP) ## start an adoption: adopciones/NOMBRE/adopcion.toml (NOMBRE=slug)
	@$(SYSDEPS) adopt-new
	@$(CLI) adopt new $(NOMBRE)

adopt-check: $(STAMP) ## check adoption files (ADOPCION=file; default: every adopciones/*/adopcion.toml)
	@$(SYSDEPS) adopt-check
	@$(CLI) adopt check $(ADOPCION)

# ---- maintainers -----------------------------------------------------------------------------
release: $(STAMP) ## build a tagged, reproducible release into dist/ (EDITION=tag: that language only)
	@$(SYSDEPS) release
	@$(CLI) release $(if $(EDITION_SET),--lang $(EDITION)) $(if $(ADOPCION),--adoption $(ADOPCION))

release-gather: $(STAMP) ## publish what `make release EDITION=...` jobs built: archive, notes, sums
	@$(SYSDEPS) release-gather
	@$(CLI) release --gather

bench: $(STAMP) ## measure the build matrix and the catalog tools
	@$(SYSDEPS) bench
	@$(VPY) -m benchmarks

test: $(STAMP) ## run every test
	@$(SYSDEPS) test
	@$(VPY) -m pytest $(PYTEST_ARGS)

test-fresh: ## the README's two commands in a fresh Debian 12 root (root only; about 15 minutes)
	@$(SYSDEPS) test-fresh
	@bash tests/fresh/run.sh

lint: $(STAMP) ## ruff and mypy over the code, and pyproject.toml validated
	@$(SYSDEPS) lint
	@$(VPY) -m ruff check scripts tests benchmarks
	@$(VPY) -m mypy
	@$(VPY) -m validate_pyproject pyproject.toml

clean: ## remove build outputs (keeps the virtual environment)
	rm -rf build dist

distclean: clean ## remove build outputs and the virtual environment
	rm -rf $(VENV)
