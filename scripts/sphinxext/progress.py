"""Translation progress, told honestly to readers, built on Sphinx's own accounting.

Sphinx's i18n transforms mark every translatable node ``translated`` True or False and total
them per document (``document['translation_progress']``); ``translation_progress_classes`` turns
the marks into classes. A message whose translation is identical to its source counts as
translated there (Locale transform, phase 1), which is what we want: a proper name or a number
is not "missing". Two gaps are filled here:

- a document with no catalog at all gets no marks, so it would look complete; in a translation
  it is entirely untranslated, and is marked so;
- untranslated nodes are shown in the source language, so they also get ``language-<source>``,
  which docutils' HTML writer turns into ``lang="es"``: screen readers then pronounce them as
  Spanish.

The per-document counts (Sphinx's marks, counted once the doctree is final) are kept in the
environment so every page can show the edition's percentage, and the edition manifest
(site_context) can give it to the site's chooser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.util.nodes import NodeMatcher, extract_messages

from scripts.sphinxext.editions import edition_of

ENV_KEY = "policy_translation_progress"
SOURCE_ALT = "policy-source-alt"


@dataclass(frozen=True)
class Progress:
    translated: int
    total: int

    @property
    def complete(self) -> bool:
        return self.translated >= self.total

    @property
    def percent(self) -> int:
        """Whole percent, rounded down: 99.6 % translated is not "100 %"."""
        return 100 if self.total <= 0 else (100 * self.translated) // self.total

    def as_dict(self) -> dict[str, int]:
        return {"translated": self.translated, "total": self.total, "percent": self.percent}


def _source_tag(env: BuildEnvironment) -> str:
    return env.config.policy_source_language or "es"


def _is_translation(env: BuildEnvironment) -> bool:
    return bool(env.config.language) and env.config.language != _source_tag(env)


class RememberImageAlt(SphinxTransform):
    """Keep each image's source alt text, to tell afterwards whether Locale translated it."""

    default_priority = 19  # before Locale (20)

    def apply(self, **kwargs: Any) -> None:
        if not _is_translation(self.env) or _builder_is_gettext(self.env):
            return
        for node in self.document.findall(nodes.image):
            if "alt" in node:
                node[SOURCE_ALT] = node["alt"]


class MarkUncatalogued(SphinxTransform):
    """Fix Sphinx's marks: a translated image alt text is translated, and a translation's
    document without any catalog has every message untranslated."""

    default_priority = 22  # after Locale (20), before TranslationProgressTotaliser (25)

    def apply(self, **kwargs: Any) -> None:
        if not _is_translation(self.env) or _builder_is_gettext(self.env):
            return
        # Sphinx replaces a translated alt text but leaves the image marked untranslated.
        for node in self.document.findall(nodes.image):
            source_alt = node.attributes.pop(SOURCE_ALT, None)
            if node.get("translated") is False and source_alt is not None and node.get("alt") != source_alt:
                node["translated"] = True
        if next(iter(NodeMatcher(nodes.Element, translated=Any).findall(self.document)), None) is not None:
            return
        for node, _msg in extract_messages(self.document):
            node["translated"] = False


class MarkSourceLanguage(SphinxTransform):
    """Untranslated nodes are in the source language: say so to browsers and screen readers."""

    default_priority = 960  # after AddTranslationClasses (950)

    def apply(self, **kwargs: Any) -> None:
        if not _is_translation(self.env) or _builder_is_gettext(self.env):
            return
        language_class = f"language-{_source_tag(self.env)}"
        for node in NodeMatcher(nodes.Element, translated=False).findall(self.document):
            classes = node.setdefault("classes", [])
            for name in ("untranslated", language_class):
                if name not in classes:
                    classes.append(name)


def _builder_is_gettext(env: BuildEnvironment) -> bool:
    from sphinx.builders.gettext import MessageCatalogBuilder  # noqa: PLC0415

    return issubclass(env._builder_cls, MessageCatalogBuilder)


def configure(app: Sphinx, config: Config) -> None:
    edition = edition_of(app)
    lang = edition.language
    config.policy_source_language = edition.registry.source.tag
    if not lang.source and not config.translation_progress_classes:
        config.translation_progress_classes = "untranslated"


def record(app: Sphinx, doctree: nodes.document) -> None:
    """Count the marks of the document as it is kept, after the collectors have removed what
    is not shown (a docinfo field list from front matter is marked, then dropped)."""
    store = _store(app.env)
    if not _is_translation(app.env) or "translation_progress" not in doctree:
        store.pop(app.env.docname, None)
        return
    marked = list(NodeMatcher(nodes.Element, translated=Any).findall(doctree))
    store[app.env.docname] = (sum(1 for node in marked if node["translated"]), len(marked))


def _store(env: BuildEnvironment) -> dict[str, tuple[int, int]]:
    if not hasattr(env, ENV_KEY):
        setattr(env, ENV_KEY, {})
    return getattr(env, ENV_KEY)


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _store(env).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    theirs = _store(other)
    _store(env).update({name: theirs[name] for name in docnames if name in theirs})


def document_progress(env: BuildEnvironment, docname: str) -> Progress | None:
    """This document's progress in a translation; None in the source edition."""
    if not _is_translation(env):
        return None
    translated, total = _store(env).get(docname, (0, 0))
    return Progress(translated, total)


def edition_progress(env: BuildEnvironment) -> Progress | None:
    """The whole edition's progress (every document read); None in the source edition."""
    if not _is_translation(env):
        return None
    counts = [value for name, value in _store(env).items() if name in env.all_docs]
    return Progress(sum(c[0] for c in counts), sum(c[1] for c in counts))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("policy_source_language", "", "env")
    app.add_transform(RememberImageAlt)
    app.add_transform(MarkUncatalogued)
    app.add_transform(MarkSourceLanguage)
    app.connect("doctree-read", record)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
