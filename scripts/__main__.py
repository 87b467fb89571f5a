"""Command line: `python -m scripts <verb> [options]`.

Each module listed in COMMAND_MODULES exposes ``COMMANDS = {verb: (add_arguments, run)}``;
``run(args) -> int`` does the work through functions that return data, and this file only parses,
dispatches and turns PipelineError into `path:line: [code] ...` lines on stderr.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Sequence

from scripts.diagnostics import PipelineError

# Each command's module and the verbs it defines (tests/test_build.py checks this table against
# every module's COMMANDS): a command imports its own module only, not all eleven (0.1-0.2 s of
# every command's start-up, the worker's included); `--help` or an unknown verb imports them all.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "scripts.build": ("build", "build-edition"),
    "scripts.catalogs": ("extract", "update"),
    "scripts.wrapping": ("wrap",),
    "scripts.checks": ("check",),
    "scripts.release": ("release", "release-matrix"),
    "scripts.status": ("status",),
    "scripts.preview": ("preview",),
    "scripts.add_language": ("add-language",),
    "scripts.worksheet": ("worksheet",),
    "scripts.adopt_command": ("adopt",),
    "scripts.adoption_build": ("adoption-matrix",),
}


def requested_verb(argv: Sequence[str]) -> str | None:
    """The verb of a command line (after the global --root), or None before an option such as --help."""
    index = 0
    while index < len(argv):
        word = argv[index]
        if word == "--root":
            index += 2
        elif word.startswith("--root="):
            index += 1
        else:
            return None if word.startswith("-") else word
    return None


def make_parser(verb: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or only of the module that defines `verb` when it is known."""
    modules = [name for name, verbs in COMMAND_MODULES.items() if verb in verbs] or list(COMMAND_MODULES)
    parser = argparse.ArgumentParser(prog="python -m scripts", description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=None, help="project root (default: found from the current directory)")
    sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    for name in modules:
        module = importlib.import_module(name)
        for verb_name, (add_arguments, run) in module.COMMANDS.items():
            doc = (run.__doc__ or "").strip().splitlines()
            p = sub.add_parser(verb_name, help=doc[0] if doc else None, description=" ".join(doc) or None)
            add_arguments(p)
            p.set_defaults(run=run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Every command makes millions of small objects and then ends: catalog entries; in a build's
    # worker, Sphinx's environment and every doctree (docutils nodes point to their parents:
    # cycles). With Python's thresholds (700, 10, 10) the cyclic collector rescans that growing
    # heap again and again: about half of the Python CPU of one language's build (English edition,
    # forced: Sphinx phases 9.5-10.7 s of CPU with them, 5.0-8.0 s with these, 4.2-6.4 s with no
    # collector at all, which peaked at 368 MB per worker instead of 249 MB and took the whole
    # matrix past 1 GiB). Rare collections, as mypy sets for the same reason; `status` of the
    # benchmark's 500 catalogs: 0.79-0.99 s before, 0.74 s.
    gc.set_threshold(100_000, 50, 100)
    argv = sys.argv[1:] if argv is None else list(argv)
    args = make_parser(requested_verb(argv)).parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except PipelineError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: outputs written so far are complete; nothing half-written was kept", file=sys.stderr)
        return 130


if __name__ == "__main__":
    code = main()
    if getattr(sys.modules.get("scripts.matrix.orchestrator"), "built_here", False):
        # Sphinx ran in this process (one edition, scripts/matrix/orchestrator.py): everything is
        # written and closed; end as a worker ends, without freeing its objects one by one.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
