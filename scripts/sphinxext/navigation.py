"""Every page is written again when the navigation changed, so no page shows an old title.

Sphinx's incremental write covers the documents it read again and the ones whose toctree
includes them, but every page of the site carries the whole navigation (furo's sidebar, the EPUB's
previous/next links): when a translator changes a chapter's title, the other chapters' pages
would keep the old one until a full build. Sphinx has no setting for this; its two events around
the read do it: before the read the navigation of the environment is summarised (each document's
title and table of contents, each toctree's entries), after it the summary is made again, and if
they differ every document is handed back to be written.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Iterable
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

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


def setup(app: Sphinx) -> None:
    app.connect("env-get-outdated", before_read)
    app.connect("env-get-updated", after_read)
