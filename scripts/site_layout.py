"""What the extension (which writes each edition) and scripts/site.py (which assembles the site
around the editions) agree on, without either importing the other: where the downloads and each
edition's manifest go, and the Babel locale an edition formats its dates and numbers with."""

from __future__ import annotations

import babel

from scripts.languages import Language, Registry

DOWNLOADS_DIR = "descargas"
MANIFEST = "edition.json"
# site/bilingue/<tag>/: the bilingual edition's HTML (scripts/matrix/bilingual.py), entered at BILINGUAL_INDEX
BILINGUAL_DIR = "bilingue"
BILINGUAL_INDEX = "index-bilingue.html"


def babel_locale_for(lang: Language, registry: Registry) -> str:
    """A locale Babel/CLDR knows, for dates: the language's own, else its interface fallback's."""
    for tag in lang.interface_chain:
        candidate = registry.get(tag).date_locale or tag
        try:
            babel.Locale.parse(candidate)
        except (babel.UnknownLocaleError, ValueError):
            continue
        return candidate
    return registry.source.date_locale or registry.source.tag
