"""The Content-Security-Policy of every page the pipeline publishes (editions and site pages).

Pure functions, no Sphinx: the extension (scripts.sphinxext.csp) puts the policy in every
edition's pages and scripts/site.py in the pages it writes itself.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from pathlib import Path

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def script_hash(body: str) -> str:
    """The CSP source expression that allows exactly this inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"


def theme_script_hashes(template_dirs: list[str | Path]) -> list[str]:
    """CSP hashes of the inline scripts the theme's templates write (furo sets the colour theme
    before the page paints); scripts with template code in them are never trusted."""
    hashes = set()
    for base in template_dirs:
        base = Path(base)
        if not base.is_dir():
            continue
        for path in base.rglob("*.html"):
            for body in _INLINE_SCRIPT.findall(path.read_text(encoding="utf-8", errors="replace")):
                if "{{" in body or "{%" in body or "{#" in body:
                    continue
                hashes.add(script_hash(body))
    return sorted(hashes)


def content_security_policy(script_hashes: list[str]) -> str:
    """Everything from the site itself; inline style (furo's colour variables and SVG icons, no
    request can come of it) and data: images (furo's CSS icons); no inline script, no other
    origin, no plugins, no frames, no <base>."""
    return "; ".join([
        "default-src 'self'",
        "script-src " + " ".join(["'self'", *script_hashes]),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "frame-src 'none'",
        "worker-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ])


def meta_element(policy: str) -> str:
    return f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy)}">\n'
