"""Every HTML page of an edition carries a Content-Security-Policy (scripts/csp.py says which):
scripts only from the site itself, plus the hashes of the theme's own inline scripts."""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from scripts.csp import content_security_policy, meta_element, theme_script_hashes


def _prepare_csp(app: Sphinx) -> None:
    templates = getattr(app.builder, "templates", None)
    dirs = list(getattr(templates, "pathchain", []) or [])
    app.policy_csp = content_security_policy(theme_script_hashes(dirs))  # type: ignore[attr-defined]


def add_csp(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    policy = getattr(app, "policy_csp", None)
    if app.builder.name == "epub" or not policy:
        return
    context["metatags"] = meta_element(policy) + (context.get("metatags") or "")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _prepare_csp)
    app.connect("html-page-context", add_csp, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
