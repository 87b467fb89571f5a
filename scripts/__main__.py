"""Command line: `python -m scripts <verb> [options]`.

Each module listed in COMMAND_MODULES exposes ``COMMANDS = {verb: (add_arguments, run)}``;
``run(args) -> int`` does the work through functions that return data, and this file only parses,
dispatches and turns PipelineError into `path:line: [code] ...` lines on stderr.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Sequence

from scripts.diagnostics import PipelineError

COMMAND_MODULES = (
    "scripts.build",
    "scripts.catalogs",
    "scripts.wrapping",
    "scripts.checks",
    "scripts.release",
    "scripts.status",
    "scripts.preview",
    "scripts.add_language",
    "scripts.worksheet",
    "scripts.adopt_command",
    "scripts.adoption_build",
)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scripts", description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=None, help="project root (default: found from the current directory)")
    sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        for verb, (add_arguments, run) in module.COMMANDS.items():
            doc = (run.__doc__ or "").strip().splitlines()
            p = sub.add_parser(verb, help=doc[0] if doc else None, description=" ".join(doc) or None)
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
    args = make_parser().parse_args(argv)
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
    sys.exit(main())
