"""Which pages an HTML-family builder writes again, so that an incremental build shows what a
full build shows.

Sphinx writes again the documents its own run read, the ones whose toctree includes them, and
the pages whose source file (the Markdown) is newer than the page. Two cases escape that:

- **another builder read the change.** The worker runs several builders on one read (the PDF's
  builder reads first); a translation changes the catalog, not the Markdown, so the HTML builder
  that runs next, or a later `make html`, would keep the old page. A page is therefore also
  written when the document's doctree (pickled by whichever builder read it) is newer than it;
- **the navigation changed.** Every page carries the whole navigation (furo's sidebar, the
  previous/next links): when a translator changes a chapter's title, the other chapters' pages
  would keep the old one. A summary of the navigation (each document's title and table of
  contents, each toctree's entries) is compared before and after the run's own read, and with
  the summary this output directory was last written with (kept beside the doctrees, not in the
  published directory); when either differs, every page is written.

Sphinx has no setting for either. Both only add pages to write: they never skip one Sphinx would
write.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.environment import BuildEnvironment

from scripts.atomic import write_atomic

_BEFORE: weakref.WeakKeyDictionary[BuildEnvironment, str] = weakref.WeakKeyDictionary()


def summary(env: BuildEnvironment) -> str:
    """A digest of what the navigation of every page is made from."""
    digest = hashlib.sha256()
    for doc in sorted(env.all_docs):
        title = env.titles.get(doc)
        toc = env.tocs.get(doc)
        digest.update("\0".join([
            doc, title.astext() if title is not None else "", toc.pformat() if toc is not None else "",
            "\n".join(env.toctree_includes.get(doc, [])),
        ]).encode())
        digest.update(b"\1")
    return digest.hexdigest()


def before_read(_app: Sphinx, env: BuildEnvironment, *_changes: Any) -> Iterable[str]:
    _BEFORE[env] = summary(env)
    return []


def after_read(_app: Sphinx, env: BuildEnvironment) -> Iterable[str]:
    before = _BEFORE.pop(env, None)
    if before is None or before == summary(env):
        return []
    return sorted(env.found_docs)


def _written_with(builder: Builder) -> Path:
    """Where the navigation summary of this builder's output directory is kept."""
    key = hashlib.sha256(str(Path(builder.outdir).resolve()).encode()).hexdigest()[:16]
    return Path(builder.doctreedir) / f"navigation-{builder.name}-{key}.txt"


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def pages_to_write(builder: StandaloneHTMLBuilder, outdated: Iterable[str]) -> list[str]:
    """Sphinx's outdated pages, and those whose doctree is newer or whose navigation changed."""
    env = builder.env
    try:
        written_with = _written_with(builder).read_text(encoding="utf-8").strip()
    except OSError:
        written_with = None
    if written_with is not None and written_with != summary(env):
        return sorted(env.found_docs)
    pages = list(outdated)
    for doc in sorted(env.found_docs.intersection(env.all_docs).difference(pages)):
        doctree = _mtime(Path(builder.doctreedir) / f"{doc}.doctree")
        page = _mtime(Path(builder.get_output_path(doc)))
        if doctree is not None and (page is None or doctree > page):
            pages.append(doc)
    return pages


def _watch_doctrees(app: Sphinx) -> None:
    builder = app.builder
    if not isinstance(builder, StandaloneHTMLBuilder):
        return
    sphinx_outdated = builder.get_outdated_docs

    def get_outdated_docs() -> Any:
        outdated = sphinx_outdated()
        return outdated if isinstance(outdated, str) else pages_to_write(builder, outdated)

    builder.get_outdated_docs = get_outdated_docs  # type: ignore[method-assign]


def _remember(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and isinstance(app.builder, StandaloneHTMLBuilder) and app.statuscode == 0:
        write_atomic(_written_with(app.builder), (summary(app.env) + "\n").encode())


def setup(app: Sphinx) -> None:
    app.connect("env-get-outdated", before_read)
    app.connect("env-get-updated", after_read)
    app.connect("builder-inited", _watch_doctrees)
    app.connect("build-finished", _remember)
