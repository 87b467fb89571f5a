"""Sphinx configuration of the model open-data policy.

Shared settings come from scripts.sphinxext.defaults; the language-dependent ones (titles,
dates, LaTeX language, EPUB identity, interface fallback) are applied per edition by
scripts.sphinxext.editions from locale/languages.toml. Build with `make`, not sphinx-build.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.sphinxext.defaults import *  # noqa: E402,F403

# The Spanish title; each edition's title is the translation of this exact string found in its
# catalogs (the H1 of source/index.md), so translators translate it where they translate the rest.
project = "Política modelo de datos abiertos"
policy_subtitle = "Para gobiernos estatales y municipales de México"
author = "Comunidad de la Política modelo de datos abiertos"
policy_publisher = "Comunidad de la Política modelo de datos abiertos"
policy_license = "CC BY 4.0"
policy_license_url = "https://creativecommons.org/licenses/by/4.0/deed.es"
policy_repository = ""  # e.g. "https://github.com/<org>/<repo>"; used by "Traducir esta página"
copyright = "%Y, " + author
