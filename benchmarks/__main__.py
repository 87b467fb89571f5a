"""`python -m benchmarks` (`make bench`): measure the build matrix and the catalog tools.

    python -m benchmarks            everything (about 15 minutes on 2 cores)
    python -m benchmarks --quick    without the 20-language run
    python -m benchmarks --smoke    tests/roots/basic, HTML only, a tiny catalog corpus (seconds)

Prints each figure next to its target (PASS / MISS) and writes them to build/bench/results.json.
The exit status is 1 only when something could not be measured (a build failed), never because
a target was missed: timings on a shared machine are evidence, not tests.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from benchmarks.report import table, write_json
from benchmarks.suite import Options, run_benchmark
from benchmarks.workspace import REPO
from scripts import formats

SMOKE_ROOT = REPO / "tests" / "roots" / "basic"


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="skip the 20-language run")
    mode.add_argument("--smoke", action="store_true",
                      help="prove the benchmark works: tests/roots/basic, HTML only, tiny corpus")
    parser.add_argument("--project", type=Path, default=None,
                        help="project to copy and build (default: this repository; --smoke: tests/roots/basic)")
    parser.add_argument("--scaled", choices=("auto", "all", "html"), default="auto",
                        help="formats of the 20-language run: all, html, or auto (all if it fits in "
                             "--scaled-budget, else html)")
    parser.add_argument("--scaled-budget", type=float, default=600.0, metavar="SECONDS")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="alternate N rounds of baseline and pipeline full matrix; the fastest of each "
                             "counts (a shared machine disturbs some rounds)")
    parser.add_argument("--jobs", "-j", type=int, default=0, help="languages at once (default: cores)")
    parser.add_argument("--catalogs", type=int, default=None, help="catalogs in the generated corpus (500)")
    parser.add_argument("--entries", type=int, default=None, help="entries in the generated corpus (50000)")
    parser.add_argument("--no-real-make", action="store_true",
                        help="do not time `make all` in this repository even when it is up to date")
    parser.add_argument("--rev", default=None, metavar="REV",
                        help="benchmark the policy and pipeline as committed at this git revision "
                             "(default: the working tree as it is)")
    parser.add_argument("--only", choices=("matrix", "scaled", "catalogs", "adoption"), default=None,
                        help="measure only the build matrix (with the 20-language run), only the "
                             "20-language run, only the catalog tools, or only the example adoption's "
                             "matrix against the model's")
    parser.add_argument("--output", type=Path, default=REPO / "build" / "bench" / "results.json",
                        help="where to write the results as JSON")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="build the copies here (kept) instead of a temporary directory")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies and their logs")
    return parser


def options_from(args: argparse.Namespace) -> Options:
    if args.smoke:
        return Options(project=args.project or SMOKE_ROOT, formats=("html",), jobs=args.jobs, scaled="off",
                       repeat=max(1, args.repeat),
                       catalogs=args.catalogs or 10, entries=args.entries or 200, real_make=False,
                       workdir=args.workdir, timeout=900, mode="smoke", keep=args.keep,
                       parts=(args.only,) if args.only else ("matrix", "catalogs"))
    return Options(project=args.project or REPO, formats=formats.for_edition(adoption=False), jobs=args.jobs,
                   repeat=max(1, args.repeat),
                   scaled="off" if args.quick else args.scaled, scaled_budget=args.scaled_budget,
                   catalogs=args.catalogs or 500, entries=args.entries or 50_000,
                   real_make=not args.no_real_make and args.project is None, workdir=args.workdir,
                   mode="quick" if args.quick else "full", keep=args.keep, rev=args.rev,
                   parts=(args.only,) if args.only else ("matrix", "adoption", "catalogs"))


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    options = options_from(args)
    results = run_benchmark(options, say=lambda line: print(line, flush=True))
    print()
    print(table(results["measures"]))
    print()
    for note in results["notes"]:
        print(note)
    for failure in results["failures"]:
        print(f"FAILED: {failure}", file=sys.stderr)
    write_json(args.output, results)
    print(f"results: {args.output}")
    return 1 if results["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
