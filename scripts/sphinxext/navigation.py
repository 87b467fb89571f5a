"""Which pages an HTML-family builder writes again, so that an incremental build shows what a
full build shows.

Sphinx writes again the documents its own run read, the ones whose toctree includes them, and
the pages whose source file (the Markdown) is newer than the page. Two cases escape that:

- **another builder read the change.** The builders of an edition share one read (one doctree
  directory per language); a translation changes the catalog, not the Markdown, so after
  `make pdf` had read it, `make html` would keep the old page. A page is therefore also written
  when the document's doctree (pickled by whichever builder read it) is newer than it;
- **the navigation changed.** Every page carries the whole navigation (furo's sidebar, the
  previous/next links): when a translator changes a chapter's title, the other chapters' pages
  would keep the old one. A summary of the navigation (each document's title and table of
  contents, each toctree's entries) is compared before and after the run's own read, and with
  the summary this output directory was last written with (kept beside the doctrees, not in the
  published directory); when either differs, every page is written.

A third keeps an output directory from collecting files a full build would not have: each
directory's record also holds the documents, images and downloads it was written with and the
configuration's hash; when, after the read, any of them differs, the directory is emptied and
every page written again. (Sphinx leaves the page of a removed document in place, and the EPUB
builder packs every file it finds in its directory.) The EPUB's directory is therefore kept
between builds, and a changed translation writes its pages only.

Sphinx has no setting for any of this. It only adds pages to write: it never skips one Sphinx
would write.
"""

from __future__ import annotations

import hashlib
import json
import shutil
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


def _record_path(builder: Builder) -> Path:
    """Where the record of this builder's output directory is kept (not in it: it is published)."""
    key = hashlib.sha256(str(Path(builder.outdir).resolve()).encode()).hexdigest()[:16]
    return Path(builder.doctreedir) / f"written-{builder.name}-{key}.json"


def _contents(builder: StandaloneHTMLBuilder) -> dict[str, Any]:
    """What decides which files the output directory holds, besides the pages' text."""
    env = builder.env
    return {
        "documents": sorted(env.found_docs),
        "images": sorted(unique for _docs, unique in env.images.values()),
        "downloads": sorted(str(dest) for _docs, dest in env.dlfiles.values()),
        "config": builder.build_info.config_hash,
        "tags": builder.build_info.tags_hash,
    }


def _record(builder: Builder) -> dict[str, Any] | None:
    try:
        data = json.loads(_record_path(builder).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def pages_to_write(builder: StandaloneHTMLBuilder, outdated: Iterable[str]) -> list[str]:
    """Sphinx's outdated pages, and those whose doctree is newer or whose navigation changed."""
    env = builder.env
    record = _record(builder)
    if record is not None and record.get("navigation") != summary(env):
        return sorted(env.found_docs)
    pages = list(outdated)
    for doc in sorted(env.found_docs.intersection(env.all_docs).difference(pages)):
        doctree = _mtime(Path(builder.doctreedir) / f"{doc}.doctree")
        page = _mtime(Path(builder.get_output_path(doc)))
        if doctree is not None and (page is None or doctree > page):
            pages.append(doc)
    return pages


def _empty(directory: Path) -> None:
    for child in directory.iterdir() if directory.is_dir() else []:
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def _same_contents_or_empty(app: Sphinx, env: BuildEnvironment) -> Iterable[str]:
    """After the read: a directory written with other documents, images or configuration is
    emptied, and every page written again."""
    builder = app.builder
    if not isinstance(builder, StandaloneHTMLBuilder):
        return []
    record, contents = _record(builder), _contents(builder)
    if record is not None and {k: record.get(k) for k in contents} == contents:
        return []
    _empty(Path(builder.outdir))
    return sorted(env.found_docs)


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
    builder = app.builder
    if exception is None and isinstance(builder, StandaloneHTMLBuilder) and app.statuscode == 0:
        record = {"navigation": summary(app.env), **_contents(builder)}
        write_atomic(_record_path(builder), json.dumps(record, indent=1).encode())


def setup(app: Sphinx) -> None:
    app.connect("env-get-outdated", before_read)
    app.connect("env-get-updated", after_read)
    app.connect("env-updated", _same_contents_or_empty)
    app.connect("builder-inited", _watch_doctrees)
    app.connect("build-finished", _remember)
