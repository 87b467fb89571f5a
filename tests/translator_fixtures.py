"""Small projects for the translators' toolkit tests, built in tmp_path (never in the repository).

The project has its own minimal conf.py (MyST only), so these tests exercise extraction, update,
check, status and add-language without depending on the site's theme or extensions. Every
"translation" in it is a clearly fake FIXTURE string: no one's language is invented here.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from scripts.project import Project

REGISTRY = """\
schema = 1

[[language]]
tag = "es"
autonym = "Español"
name_es = "Español"
name_en = "Spanish"
latex_language = "es"
apostrophe = "none"
source = true

[[language]]
tag = "en"
autonym = "English"
name_es = "Inglés"
name_en = "English"
latex_language = "en"
apostrophe = "none"

[[language]]
tag = "yua"
autonym = "Maaya t'aan"
name_es = "Maya yucateco"
name_en = "Yucatec Maya"
latex_language = "es"
apostrophe = "U+0027"
indigenous = true
interface_fallback = "es"
inali_agrupacion = "maya"
inali_variante = "maya"
verified = false
"""

CONF = """\
extensions = ["myst_parser"]
gettext_compact = False
language = "es"
project = "Proyecto de prueba"
myst_enable_extensions = ["colon_fence", "substitution"]
"""

DOCS = {
    "index.md": """\
        (inicio)=
        # Proyecto de prueba

        Este proyecto existe para probar las herramientas de traducción.

        ```{toctree}
        capitulo
        anexos/plantilla
        ```
        """,
    "capitulo.md": """\
        # Capítulo de datos

        Los datos abiertos se publican en formatos abiertos y se actualizan cada mes.

        Consulte la {ref}`sección inicial <inicio>` y el [portal](https://datos.gob.mx).

        Un párrafo que después desaparece de la fuente.
        """,
    "anexos/plantilla.md": """\
        # Plantilla de inventario

        Cada fila del inventario corresponde a un conjunto de datos.
        """,
}


def make_project(base: Path, docs: dict[str, str] | None = None) -> Project:
    root = base / "proyecto"
    (root / "locale").mkdir(parents=True)
    (root / "locale" / "languages.toml").write_text(REGISTRY, encoding="utf-8")
    (root / "conf.py").write_text(CONF, encoding="utf-8")
    write_docs(root, docs or DOCS)
    return Project(root)


def write_docs(root: Path, docs: dict[str, str]) -> None:
    for name, text in docs.items():
        path = root / "source" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    """Bytes and mtime of every catalog below `directory`."""
    return {str(p.relative_to(directory)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(directory.rglob("*.po"))}
