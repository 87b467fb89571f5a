"""The translators' pre-commit hooks run on Windows too, and fix wrapping instead of blocking."""

from __future__ import annotations

from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def test_hooks_need_no_python3_and_wrap_fixes() -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert set(hooks) == {"po-check", "po-wrap"}
    for hook in hooks.values():
        # pre-commit's own environment has `python` on every system; Windows has no `python3`
        assert hook["language"] == "python" and hook["entry"].startswith("python -m scripts ")
        assert hook["files"] == r"^locale/.*\.po$"
    assert hooks["po-wrap"]["entry"] == "python -m scripts wrap"  # rewrites; po-wrap stays a warning
