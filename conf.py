"""Sphinx configuration of the model open-data policy.

Shared settings come from scripts.sphinxext.defaults; the language-dependent ones (titles,
dates, LaTeX language, EPUB identity, interface fallback) are applied per edition by
scripts.sphinxext.editions from locale/languages.toml. Build with `make`, not sphinx-build.
"""

import os
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
# Where the site is published and where its catalogs can be edited. The release workflow sets both
# from its hosting context; locally they may stay empty: then there is no sitemap.xml (it needs
# absolute addresses) and "Traducir esta página" links to the translators' page instead.
policy_site_url = os.environ.get("POLICY_SITE_URL", "")  # e.g. "https://<org>.github.io/<repo>/"
policy_repository = os.environ.get("POLICY_REPOSITORY", "")  # e.g. "https://github.com/<org>/<repo>"
copyright = "%Y, " + author
