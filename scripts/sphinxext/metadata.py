"""What a PDF says about itself: title, author, subject, keywords, language, and its version.

A reader who finds a PDF in a download folder or a library catalogue sees its document
properties before its pages, so every edition states them in its own language: the translated
title and subtitle, the author, keywords, the edition's language tag (``/Lang``, which screen
readers use to pick a voice) and bookmarks. The cover shows the version under the title with the
same word the site's footer uses ("Version" through the interface catalogs), so the PDF and the
web page a reader compares it with say the same thing.

Runs after scripts.sphinxext.editions (priority 100, which sets the translated title) and after
the interface fallback (priority 200, which makes "Version" Spanish rather than English for the
Indigenous editions).
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.builders.latex.constants import DEFAULT_SETTINGS
from sphinx.config import Config
from sphinx.locale import get_translation
from sphinx.util.texescape import escape

from scripts.sphinxext.editions import edition_of

# Words a catalogue or a search engine files the policy under; conf.py may set its own.
DEFAULT_KEYWORDS = ("datos abiertos", "política pública", "gobierno abierto", "transparencia", "México")


def pdf_info(config: Config, tag: str) -> dict[str, str]:
    """hyperref's document-information keys for this edition (plain text, not yet escaped)."""
    keywords = [*config.policy_keywords, config.project]
    return {
        "pdftitle": config.project,
        "pdfauthor": config.author,
        "pdfsubject": config.policy_subtitle or config.project,
        "pdfkeywords": ", ".join(dict.fromkeys(k for k in keywords if k)),
        "pdflang": tag,
    }


def hypersetup(info: dict[str, str], engine: str) -> str:
    values = ",\n  ".join(f"{key}={{{escape(value, engine)}}}" for key, value in info.items())
    return ("\\hypersetup{\n  " + values + ",\n  pdfdisplaydoctitle=true,\n"
            "  bookmarksopen=true,\n  bookmarksnumbered=true\n}")


def apply_pdf_metadata(app: Sphinx, config: Config) -> None:
    lang = edition_of(app).language
    elements: dict[str, Any] = dict(config.latex_elements)
    hyperref = elements.get("hyperref", DEFAULT_SETTINGS["hyperref"])
    elements["hyperref"] = hyperref + "\n" + hypersetup(pdf_info(config, lang.tag), config.latex_engine)
    # The cover reads "<releasename> <release>"; Sphinx's word is "Release", the footer's "Version".
    elements.setdefault("releasename", str(get_translation("sphinx")("Version")))
    config.latex_elements = elements


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("policy_keywords", list(DEFAULT_KEYWORDS), "env", types=[list, tuple])
    return {"parallel_read_safe": True, "parallel_write_safe": True}
