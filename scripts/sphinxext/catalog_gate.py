"""An edition is built only from catalogs that `check` accepts as well-formed and safe.

Sphinx reads catalogs with Babel, which skips what it cannot parse (printing to stdout, not as a
warning), keeps the last of two entries with the same msgid, and ignores a wrong header: a broken
catalog would silently publish a partial or wrong edition. So each edition runs the checks of
scripts/checks.py over its own catalogs first and reports every error that breaks the build, the
page or the reader's safety (codes ``po-*``, ``myst-*``, ``unsafe-*``) as a ``policy`` warning
located at the catalog line; the build matrix then fails that edition alone. Orthography
(``apostrophe``, ``unicode-nfc``, ``whitespace``) is left to `check`, where translators see it.

Sphinx also drops, without a word, a translation that does not parse as one paragraph like its
msgid (a `-` or `#` at its start makes it a list or a heading): the reader gets the Spanish text
and nobody is told. Each such translation is reported as ``translation-unused``.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms import SphinxTransform
from sphinx.util.nodes import extract_messages

from scripts import pofile
from scripts.matrix.statcache import StatCache
from scripts.sphinxext.editions import edition_of
from scripts.sphinxext.problems import record_problem, warn

GATED_PREFIXES = ("po-", "myst-", "unsafe-")
PACKAGE = Path(__file__).resolve().parent.parent  # scripts/


# The build matrix runs every builder of one language in one process: the catalogs are checked
# once, for the first builder, not once per format (the identity of each file is the key). Across
# builds, each catalog's result is remembered by the catalog's metadata (scripts/matrix/statcache,
# one file per language in build/state/), under a name that carries the digest of everything the
# checks read besides the catalog: the registry, the terminology tables, the checks' own code and
# msgfmt. A translator who saves one catalog has that one checked again, not all.
_CHECKED: dict[tuple[Any, ...], list[tuple[Path, int, str, str, str]]] = {}
CHECK_CODE = ("checks.py", "checks_markup.py", "checks_gettext.py", "terminology.py", "pofile.py", "po_formats.py",
              "diagnostics.py", "diagnostic_codes.py", "languages.py", "sphinxext/catalog_gate.py")
Problem = tuple[Path, int, str, str, str]


def _identity(paths: list[Path]) -> tuple[tuple[str, int, int], ...]:
    return tuple((str(p), (st := p.stat()).st_size, st.st_mtime_ns) for p in paths if p.is_file())


def _checks_digest(project: Any, cache: StatCache) -> str:
    """The digest of what every catalog's result depends on besides the catalog itself."""
    msgfmt = shutil.which("msgfmt")
    tables = sorted(project.localedir.glob("*/terminologia.csv"))
    digest = hashlib.sha256()
    for path in [project.registry_path, *tables, *(PACKAGE / name for name in CHECK_CODE),
                 *([Path(msgfmt)] if msgfmt else [])]:
        digest.update(str(path).encode() + b"\0" + cache.digest(path))
    return digest.hexdigest()[:16]


def cache_path(project: Any, tag: str) -> Path:
    return project.builddir / "state" / f"catalog-gate-{tag}.json"


def gate_problems(app: Sphinx, config: Config) -> list[Problem]:
    """(path, line, code, message, hint) of every gated error in this edition's catalogs."""
    from scripts.catalogs import catalog_files  # noqa: PLC0415 - only where a build needs them
    from scripts.checks import check_file  # noqa: PLC0415

    edition = edition_of(app)
    project, registry, tag = edition.project, edition.registry, edition.language.tag
    paths = list(catalog_files(project, tag))
    key = (str(project.root), tag, _identity([*paths, project.registry_path]))
    if key in _CHECKED:
        return _CHECKED[key]

    def gated(path: Path) -> list[list[Any]]:
        return [[d.line, d.code, d.message, d.hint] for d in check_file(path, registry, project.root, wrapping=False)
                if d.is_error and d.code.startswith(GATED_PREFIXES)]

    cache = StatCache(cache_path(project, tag))
    name = f"gated-{_checks_digest(project, cache)}"
    found: list[Problem] = []
    for path in paths:
        found += [(path, line, code, message, hint) for line, code, message, hint in cache.derived(path, name, gated)]
    with contextlib.suppress(OSError):  # a read-only build/: the next build checks again
        cache.save()
    _CHECKED[key] = found
    return found


def check_catalogs(app: Sphinx, config: Config) -> None:
    for path, line, code, message, hint in gate_problems(app, config):
        warn(message, hint, code, f"{path}:{line}")


def _translations(po_path: Path, allow_fuzzy: bool) -> dict[str, pofile.Entry]:
    try:
        catalog = pofile.read(po_path)
    except (OSError, pofile.PoSyntaxError):
        return {}  # reported by check_catalogs
    return {e.msgid: e for e in catalog.entries
            if not e.obsolete and e.msgctxt is None and e.msgstr.strip() and (allow_fuzzy or not e.fuzzy)}


class ReportUnusedTranslations(SphinxTransform):
    """Right after Sphinx's Locale transform (20): every translated message it did not use."""

    default_priority = 21

    def apply(self, **kwargs: Any) -> None:
        edition = edition_of(self.app)
        lang, project = edition.language, edition.project
        if lang.source:
            return
        po_path = project.catalogdir(lang.tag) / f"{self.env.docname}.po"
        entries = _translations(po_path, bool(self.config.gettext_allow_fuzzy_translations))
        if not entries:
            return
        for node, msgid in extract_messages(self.document):
            entry = entries.get(msgid)
            if entry is None or entry.msgstr == msgid or node.get("translated"):
                continue
            if isinstance(node, addnodes.translatable | nodes.meta | nodes.image):
                continue  # translated in place, without the "translated" mark
            record_problem(self.env, f"{po_path}:{entry.msgstr_line}", "translation-unused",
                           f"this translation is not used: it does not read as one {node.tagname} like "
                           "its msgid, so the Spanish text is shown",
                           "translate it as the msgid is written: no list marker (- or 1.), heading # "
                           "or fence at its start; `python -m scripts check` compares the markup")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_transform(ReportUnusedTranslations)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
