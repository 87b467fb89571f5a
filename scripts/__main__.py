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
    # Every command reads many small objects (catalog entries; doctrees in a build's worker, which
    # turns the collector off: scripts/matrix/worker.py) and then ends. The cyclic collector's
    # automatic runs rescan the growing heap; made rare here, as mypy does for the same reason
    # (`status` of the benchmark's 500 catalogs: 0.79-0.99 s with Python's thresholds, 0.74 s).
    gc.set_threshold(200_000, 30, 30)
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
