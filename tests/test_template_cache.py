"""The workers' cache of compiled Jinja templates (scripts/matrix/speedups.py): a template compiled
with other settings, or by another extension, is never taken from it; the same settings find the
same entries in another process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jinja2
from jinja2 import DictLoader, FileSystemBytecodeCache
from jinja2.ext import Extension
from jinja2.sandbox import SandboxedEnvironment

from scripts.matrix.speedups import template_settings_key

TEMPLATE = "{% if true %}\n  words\n{% endif %}\n{{ _('Next') }}\n"


class Shout(Extension):
    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return source.replace("words", "WORDS")


def _environment(**settings: object) -> SandboxedEnvironment:
    environment = SandboxedEnvironment(loader=DictLoader({"page.html": TEMPLATE}), extensions=["jinja2.ext.i18n"],
                                       **settings)  # type: ignore[arg-type]
    environment.install_null_translations()  # type: ignore[attr-defined]
    return environment


def _render_cached(environment: SandboxedEnvironment, cache: Path) -> str:
    keyed = cache / template_settings_key(environment)
    keyed.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = FileSystemBytecodeCache(str(keyed))
    return environment.get_template("page.html").render()


def test_other_compile_settings_or_extensions_never_share_compiled_code(tmp_path: Path) -> None:
    plain = _render_cached(_environment(), tmp_path)
    assert len(list(tmp_path.rglob("*.cache"))) == 1
    trimmed = _render_cached(_environment(trim_blocks=True, lstrip_blocks=True), tmp_path)
    assert trimmed != plain and trimmed == _environment(trim_blocks=True, lstrip_blocks=True).get_template(
        "page.html").render()
    shouting = _environment()
    shouting.add_extension(Shout)  # added after the loader was made, as Sphinx's builders do
    assert "WORDS" in _render_cached(shouting, tmp_path)
    newstyle = _environment()
    newstyle.newstyle_gettext = True  # type: ignore[attr-defined]
    assert len({template_settings_key(e) for e in (_environment(), newstyle, shouting)}) == 3
    assert len(list(tmp_path.rglob("*.cache"))) == 3
    assert _render_cached(_environment(), tmp_path) == plain  # from the cache, as compiled first


def test_the_key_is_the_same_in_another_process() -> None:
    code = ("from tests.test_template_cache import _environment; "
            "from scripts.matrix.speedups import template_settings_key; print(template_settings_key(_environment()))")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           cwd=Path(__file__).resolve().parents[1]).stdout.strip()
    assert other == template_settings_key(_environment())
    assert jinja2.__version__  # part of the key: a Jinja upgrade compiles again
