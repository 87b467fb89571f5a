"""The measurements, in the order they run. Each returns data; __main__ prints and saves it.

1. baseline: per language in turn, `sphinx-build -M html`, `-M epub`, `-M latexpdf`, `-M bilingual`
   with `-D language=<tag>` into a clean directory per language (what Sphinx's documentation
   shows), and `latexmk -xelatex` on a .tex a target leaves untypeset (the bilingual PDF);
2. the pipeline's full matrix (`python -m scripts build`) on a fresh copy, as a person builds it
   (a git repository, version and date from git), and where its time went, phase by phase;
3. one msgstr changed in one language, then the matrix again: time, and what was rebuilt;
4. nothing changed, then the matrix again (and `make all` in the repository, when it is up to date);
   then a commit of the README, tests and CI files only, and the matrix again: nothing rebuilt;
5. the scaled policy: 20 languages against 5;
6. `status`, `check`, `update` on a generated corpus of 500 catalogs and 50,000 entries;
7. peak memory over all of it.
"""

from __future__ import annotations

import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import corpus, measure
from benchmarks.catalog_tools import BIG_ENTRIES, comparisons
from benchmarks.measure import Run
from benchmarks.report import Measure, at_most, info
from benchmarks.workspace import (
    REPO,
    change_one_msgstr,
    cli,
    commit_all,
    copy_of,
    edition_statuses,
    edition_texts,
    environment,
    first_translated_language,
    forget_results,
    local_environment,
    pdf_documents,
    site_text,
    snapshot,
)
from scripts import formats as format_table
from scripts.project import Project

CHANGE_MARK = " (bench)"  # what the benchmark adds to one translated paragraph

GiB = 2**30
ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Options:
    project: Path = REPO
    formats: tuple[str, ...] = field(default_factory=lambda: format_table.for_edition(adoption=False))
    jobs: int = 0
    scaled: str = "auto"          # "auto" | "all" | "html" | "off"
    scaled_budget: float = 600.0  # seconds the 20-language run may take in "auto" mode
    catalogs: int = 500
    entries: int = 50_000
    real_make: bool = True
    workdir: Path | None = None   # keep the copies here instead of a temporary directory
    timeout: float = 3600.0
    repeat: int = 1               # alternated baseline / pipeline rounds of the full matrix; the fastest counts
    mode: str = "full"
    keep: bool = False            # leave the temporary copies (and their logs) in place
    rev: str | None = None        # benchmark this git revision instead of the working tree
    parts: tuple[str, ...] = ("matrix", "catalogs")


@dataclass
class Results:
    measures: list[Measure] = field(default_factory=list)
    runs: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def _seconds(run: Run) -> str:
    return f"{run.wall:.1f} s (CPU {run.cpu:.1f} s)"


def _cores(run: Run) -> str:
    """How many cores the run kept busy on average: below the core count, it waited or was crowded out."""
    return f"{run.cpu / run.wall:.2f}" if run.wall else "?"


def _failed_editions(statuses: dict[str, dict[str, str]]) -> list[str]:
    return [f"{tag}/{fmt}" for tag, formats in statuses.items() for fmt, status in formats.items()
            if status not in {"built", "skipped"}]


def _environment_line(log: Path) -> str:
    """Sphinx's 'updating environment: ...' line: whether a builder read the sources again."""
    try:
        for line in ANSI_RE.sub("", log.read_text(encoding="utf-8", errors="replace")).splitlines():
            if line.startswith("updating environment:"):
                return line.removeprefix("updating environment:").strip()
    except OSError:
        pass
    return ""


# ---------------------------------------------------------------- the matrix


def _untypeset(outdir: Path) -> list[Path]:
    """The .tex files a `-M` target wrote and did not typeset (a PDF the pipeline also makes):
    a Sphinx user runs latexmk on them, so the baseline does too."""
    return [tex for tex in sorted(outdir.glob("*.tex")) if not tex.with_suffix(".pdf").exists()]


def baseline(root: Path, tags: list[str], formats: tuple[str, ...], logs: Path, timeout: float) -> Run:
    """What a Sphinx user would write: each language in turn, one `sphinx-build -M` per format."""
    env = environment(root)
    runs: list[tuple[str, Run]] = []
    started, cpu = time.perf_counter(), measure.children_cpu()
    registry = Project(root).registry()
    for tag in tags:
        outdir = root / "baseline" / tag
        shutil.rmtree(outdir, ignore_errors=True)
        for fmt in formats:
            if not format_table.get(fmt).applies_to(registry.get(tag)):
                continue  # the pipeline makes no such edition either (a bilingual PDF the registry does not ask for)
            target = format_table.get(fmt).make_target
            command = [sys.executable, "-m", "sphinx", "-M", target, str(root / "source"), str(outdir),
                       "-c", str(root), "-D", f"language={tag}"]
            log = logs / f"baseline-{tag}-{target}.log"
            one = measure.run(command, cwd=root, env=env, log=log, timeout=timeout)
            one.extra["environment"] = _environment_line(log)
            for tex in _untypeset(outdir / target):  # e.g. the bilingual edition's .tex
                typeset = measure.run(["latexmk", "-xelatex", "-silent", "-interaction=nonstopmode", tex.name],
                                      cwd=tex.parent, env=env, log=log.with_suffix(".latexmk.log"), timeout=timeout)
                one.wall, one.cpu = one.wall + typeset.wall, one.cpu + typeset.cpu
                one.returncode = one.returncode or typeset.returncode
            runs.append((tag, one))
    targets = "{" + ",".join(format_table.get(fmt).make_target for fmt in formats) + "}"
    total = Run(command=["sphinx-build", "-M", targets, "source", "baseline/<tag>", "-c", ".",
                         "-D", "language=<tag>"],
                returncode=max((r.returncode for _, r in runs), default=0), wall=time.perf_counter() - started,
                cpu=measure.children_cpu() - cpu, peak_tree_rss=max((r.peak_tree_rss for _, r in runs), default=0),
                peak_tree_pss=max((r.peak_tree_pss for _, r in runs), default=0), log=str(logs))
    total.extra["steps"] = [{"tag": tag, **r.as_dict()} for tag, r in runs]
    return total


def pipeline(root: Path, tags: list[str], formats: tuple[str, ...], logs: Path, name: str, jobs: int,
             timeout: float, *extra: str) -> Run:
    """`python -m scripts build` once; what each edition did is in run.extra["statuses"].

    In a git repository (the matrix's copy) it runs as a person's build: version and date from
    git; elsewhere (the scaled copies) with the benchmark's fixed version and date."""
    command = cli(root, "build", "--jobs", str(jobs), "--formats", ",".join(formats), *extra)
    forget_results(root)
    env = local_environment(root) if (root / ".git").exists() else environment(root)
    run = measure.run(command, cwd=root, env=env, log=logs / f"{name}.log", timeout=timeout)
    output = Path(run.log).read_text(encoding="utf-8", errors="replace")
    run.extra["statuses"] = edition_statuses(root, tags, output)
    return run


def matrix(snap: Path, work: Path, tags: list[str], options: Options, results: Results,
           say: Callable[[str], None]) -> Run | None:
    """Baseline, full matrix, one msgstr changed, nothing changed. Returns the full matrix run."""
    logs = work / "logs"
    formats = options.formats
    edition_count = f"{len(tags)} languages x {len(formats)} formats"

    bases: list[Run] = []
    fulls: list[Run] = []
    root = work / "pipeline"
    for attempt in range(1, options.repeat + 1):
        suffix = f"-{attempt}" if options.repeat > 1 else ""
        turn = f" (round {attempt} of {options.repeat})" if options.repeat > 1 else ""
        say(f"baseline: sphinx-build -M per language and format ({edition_count}), one after another{turn} ...")
        base = baseline(copy_of(snap, work / "baseline"), tags, formats, logs / f"baseline{suffix}", options.timeout)
        bases.append(base)
        if not base.ok:
            results.failures.append(f"baseline: a sphinx-build command failed (logs in {base.log})")
        say(f"  {_seconds(base)}")
        say(f"pipeline: python -m scripts build ({edition_count}, fresh copy){turn} ...")
        commit_all(copy_of(snap, root), "policy")
        full = pipeline(root, tags, formats, logs, f"pipeline-full{suffix}", options.jobs, options.timeout)
        full.extra["phases"] = phase_totals(root, tags)
        fulls.append(full)
        failed = _failed_editions(full.extra["statuses"])
        if failed or not full.ok:
            results.failures.append(f"pipeline full matrix: failed {', '.join(failed) or '(see log)'} "
                                    f"(log: {full.log})")
        say(f"  {_seconds(full)}")
    # On a shared machine the least disturbed round is the best estimate of each.
    base = min(bases, key=lambda r: r.wall)
    full = min(fulls, key=lambda r: r.wall)
    results.runs["baseline"] = {**base.as_dict(), "rounds_wall_s": [round(r.wall, 1) for r in bases]}
    results.runs["pipeline_full"] = {**full.as_dict(), "rounds_wall_s": [round(r.wall, 1) for r in fulls]}
    failed = _failed_editions(full.extra["statuses"])
    rounds = (f"fastest of {options.repeat} alternated rounds: baseline {', '.join(f'{r.wall:.0f}' for r in bases)} s;"
              f" pipeline {', '.join(f'{r.wall:.0f}' for r in fulls)} s; ") if options.repeat > 1 else ""

    steps = base.extra["steps"]
    reread = [f"{s['tag']} {s['command'][4]}" for i, s in enumerate(steps)
              if i % len(formats) and not str(s.get("environment", "")).startswith("0 added")]
    results.measures += [
        info("matrix_baseline", f"baseline, {edition_count}", _seconds(base), base.wall, "s",
             note=f"per language in turn: sphinx-build {', '.join('-M ' + format_table.get(f).make_target for f in formats)}"
                  " -D language=<tag>, into one clean directory per language, and latexmk -xelatex on a .tex a"
                  " target leaves untypeset (the bilingual PDF); "
                  + (f"read the sources again: {', '.join(reread)}" if reread else
                     "after the first, each build of a language reused its doctrees (Sphinx read once)")),
        info("matrix_pipeline", f"pipeline, {edition_count}", _seconds(full), full.wall, "s",
             note=f"python -m scripts build --jobs {options.jobs or os.cpu_count()} on a fresh copy"
                  + (f"; FAILED editions: {', '.join(failed)}" if failed else "")),
        at_most("matrix_ratio", "full matrix, pipeline / baseline", full.wall / base.wall if base.wall else None,
                0.45, "x", note=f"{rounds}CPU time ratio {full.cpu / base.cpu:.2f}x (work done, whatever the machine's load); "
                f"cores kept busy on average: baseline {_cores(base)}, pipeline {_cores(full)} of "
                f"{os.cpu_count()}" if base.cpu else ""),
    ]
    results.measures += phase_measures(full.extra["phases"], len(tags))

    # One msgstr changed in one language, as a translator would.
    tag = first_translated_language(root, tags)
    site_before = site_text(root, tag)
    changed = change_one_msgstr(root, tag, CHANGE_MARK, shown=lambda words: words in site_before)
    say(f"one msgstr changed ({tag}: {changed['catalog']}:{changed['line']}), build again ...")
    incremental = pipeline(root, tags, formats, logs, "pipeline-one-msgstr", options.jobs, options.timeout)
    incremental.extra["changed"] = {"tag": tag, **changed}
    results.runs["pipeline_one_msgstr"] = incremental.as_dict()
    rebuilt = sorted(f"{t}/{f}" for t, fs in incremental.extra["statuses"].items() for f, s in fs.items()
                     if s == "built")
    expected = sorted(f"{tag}/{f}" for f in formats)
    texts = edition_texts(root, tag)
    reached = sorted(fmt for fmt, text in texts.items() if CHANGE_MARK.strip() in text)
    say(f"  {_seconds(incremental)}; rebuilt: {', '.join(rebuilt) or 'nothing'}; the change reached: "
        f"{', '.join(reached) or 'no format'}")
    results.measures += [
        Measure("one_msgstr_scope", f"one msgstr changed ({tag}): editions rebuilt",
                ", ".join(rebuilt) or "nothing", None, "", None, f"only {tag}", rebuilt == expected,
                note=f"statuses: {json.dumps(incremental.extra['statuses'], sort_keys=True)}"
                if rebuilt != expected else ""),
        Measure("one_msgstr_reached", "one msgstr changed: formats showing the change",
                ", ".join(reached) or "none", None, "", None, "every format", reached == sorted(texts),
                note="the changed paragraph searched for in the site's pages, the EPUB's and the PDF's text"
                     + ("" if "pdf" in texts else " (pdftotext is not installed: PDF not checked)")),
        at_most("one_msgstr_time", "one msgstr changed: time / full matrix",
                incremental.wall / full.wall if full.wall else None, 0.10, "x",
                shown=f"{incremental.wall / full.wall:.2f}x ({_seconds(incremental)})" if full.wall else None),
        typesetting_floor(root, tag, full.wall),
    ]
    results.measures += first_chapter(root, tags, formats, logs, options, results, say, tag, full, changed)

    say("nothing changed, build again ...")
    noop = pipeline(root, tags, formats, logs, "pipeline-nothing-changed", options.jobs, options.timeout)
    results.runs["pipeline_nothing_changed"] = noop.as_dict()
    not_skipped = sorted(f"{t}/{f}" for t, fs in noop.extra["statuses"].items() for f, s in fs.items()
                         if s != "skipped")
    say(f"  {_seconds(noop)}")
    results.measures.append(at_most(
        "nothing_changed", "nothing changed: python -m scripts build", noop.wall, 1.0, "s", shown=_seconds(noop),
        note=f"not skipped: {', '.join(not_skipped)}" if not_skipped else ""))
    results.measures += readme_commit(root, tags, formats, logs, options, results, say)

    # The translator's loop: the same kind of change, then only that edition's HTML (`make html LANG=`).
    if "html" in formats:
        change_one_msgstr(root, tag)
        say(f"one msgstr changed again, html of {tag} only ...")
        preview = pipeline(root, [tag], ("html",), logs, "pipeline-one-msgstr-html", options.jobs, options.timeout,
                           "--lang", tag)
        results.runs["pipeline_one_msgstr_html"] = preview.as_dict()
        say(f"  {_seconds(preview)}")
        results.measures.append(at_most(
            "one_msgstr_html", f"one msgstr changed: html of {tag} only", preview.wall, 3.0, "s",
            shown=_seconds(preview),
            note=f"python -m scripts build --lang {tag} --formats html (make html LANG={tag}): what a translator "
                 "waits for to see a change"))
    return full


def first_chapter(root: Path, tags: list[str], formats: tuple[str, ...], logs: Path, options: Options,
                  results: Results, say: Callable[[str], None], tag: str, full: Run,
                  changed: dict[str, str]) -> list[Measure]:
    """The same kind of change, in the first chapter of the PDF that has a paragraph readers see.
    An incremental build starts the PDF's xelatex pass beside Sphinx on what comes before the
    changed chapter (scripts/matrix/texearly.py), so where the change is matters: the measure
    above changes the first catalog by name, wherever its chapter is; this one, the earliest."""
    documents = pdf_documents(root, tag)
    if not documents or "pdf" not in formats:
        return []
    site_before = site_text(root, tag)
    early = change_one_msgstr(root, tag, CHANGE_MARK, shown=lambda words: words in site_before, documents=documents)
    say(f"one msgstr changed in the PDF's first chapter ({tag}: {early['catalog']}:{early['line']}), build again ...")
    run = pipeline(root, tags, formats, logs, "pipeline-one-msgstr-first-chapter", options.jobs, options.timeout)
    results.runs["pipeline_one_msgstr_first_chapter"] = run.as_dict()
    say(f"  {_seconds(run)}")
    ratio = run.wall / full.wall if full.wall else None
    from scripts.matrix import phases  # noqa: PLC0415 - the benchmark's own copy of the pipeline

    steps = [rec["phase"].removeprefix("pdf: ") for rec in phases.load(root / "build", tag)
             if rec["phase"].startswith("pdf: ")]
    where = [Path(changed["catalog"]).stem, Path(early["catalog"]).stem]
    order = ", ".join(f"{name} is document {documents.index(name) + 1} of {len(documents)}"
                      for name in where if name in documents)
    return [info("one_msgstr_first_chapter", "one msgstr in the PDF's first chapter: time / full matrix",
                 f"{ratio:.2f}x ({_seconds(run)})" if ratio is not None else "not measured", ratio, "x",
                 note=f"in the PDF's order, {order}: the pass started beside Sphinx typesets only what comes "
                      f"before the changed chapter; the PDF's steps: {', '.join(steps) or 'none'} (a second xelatex "
                      "pass when the change moves what a page or the table of contents shows)")]


def typesetting_floor(root: Path, tag: str, full_wall: float) -> Measure:
    """What the PDF's work on the whole document took in the last build of `tag`: Sphinx's LaTeX
    write (the whole document, whatever changed), every xelatex pass, xindy and xdvipdfmx (as
    latexmk reports them), as a share of the full matrix. One after another on the PDF's path: a
    floor under the time of one changed message, before Python, Sphinx and the site start."""
    from scripts.matrix import phases  # noqa: PLC0415 - the benchmark's own copy of the pipeline

    steps = [rec for rec in phases.load(root / "build", tag)
             if rec["phase"].startswith("pdf: ") or rec["phase"] == "sphinx latex: write"]
    seconds = sum(rec["wall"] for rec in steps)
    ratio = seconds / full_wall if steps and full_wall else None
    return info("one_msgstr_typesetting", "one msgstr changed: the PDF's whole-document work / full matrix",
                f"{ratio:.2f}x ({seconds:.1f} s)" if ratio is not None else "not measured", ratio, "x",
                note=(", ".join(f"{rec['phase'].removeprefix('pdf: ')} {rec['wall']:.1f} s" for rec in steps)
                      + ": the PDF's path writes and typesets the whole document for one changed message")
                if steps else "")


def phase_totals(root: Path, tags: list[str]) -> dict[str, dict[str, float]]:
    """Each phase of the build (scripts.matrix.phases), added up over the languages just built."""
    from scripts.matrix import phases  # noqa: PLC0415 - the benchmark's own copy of the pipeline

    return phases.summary([rec for tag in tags for rec in phases.load(root / "build", tag)])


def phase_measures(totals: dict[str, dict[str, float]], languages: int) -> list[Measure]:
    """One row per phase of the full build: wall and CPU seconds summed over the languages."""
    rows = []
    for name, total in totals.items():
        rows.append(info(f"phase {name}", f"  phase: {name}", f"{total['wall']:.1f} s (CPU {total['cpu']:.1f} s)",
                         total["cpu"], "s",
                         note=f"{int(total['count'])} runs over {languages} languages" if total["count"] != languages
                         else ""))
    if rows:
        rows[0].note = ("summed over the languages of the full build (they run in parallel, so the sum exceeds "
                        "the wall time); TeX's CPU time as latexmk reports it" + (f"; {rows[0].note}" if rows[0].note
                                                                                   else ""))
    return rows


def readme_commit(root: Path, tags: list[str], formats: tuple[str, ...], logs: Path, options: Options,
                  results: Results, say: Callable[[str], None]) -> list[Measure]:
    """A commit that changes no input of an edition (README, a test, a CI file), then the matrix."""
    (root / "README.md").write_text("# README\n\nA line about the project, changed.\n", encoding="utf-8")
    (root / "tests").mkdir(exist_ok=True)
    (root / "tests" / "test_bench_readme.py").write_text("def test_nothing() -> None:\n    pass\n", encoding="utf-8")
    (root / ".github" / "workflows").mkdir(parents=True, exist_ok=True)
    (root / ".github" / "workflows" / "bench.yml").write_text("name: bench\non: push\n", encoding="utf-8")
    commit_all(root, "README, tests and CI only", ("README.md", "tests", ".github"))
    say("a commit of the README, a test and a CI file only, build again ...")
    run = pipeline(root, tags, formats, logs, "pipeline-readme-commit", options.jobs, options.timeout)
    results.runs["pipeline_readme_commit"] = run.as_dict()
    rebuilt = sorted(f"{t}/{f}" for t, fs in run.extra["statuses"].items() for f, s in fs.items() if s != "skipped")
    say(f"  {_seconds(run)}; rebuilt: {', '.join(rebuilt) or 'nothing'}")
    return [
        Measure("readme_commit_scope", "README/tests/CI commit: editions rebuilt", ", ".join(rebuilt) or "nothing",
                None, "", None, "nothing", not rebuilt,
                note="the version and date of a local build name the last commit that changed an edition input"),
        at_most("readme_commit_time", "README/tests/CI commit: python -m scripts build", run.wall, 1.0, "s",
                shown=_seconds(run)),
    ]


def real_make_noop(logs: Path, say: Callable[[str], None]) -> Measure:
    """`make all` in the repository itself, only if every edition there is already up to date."""
    probe = (
        "import json, os\n"
        "from pathlib import Path\n"
        "from scripts.project import Project\n"
        "from scripts.project import sphinx_environment\n"
        "from scripts.formats import ADOPTION_ENV, for_edition\n"
        "from scripts.matrix.fingerprint import plan_edition\n"
        "from scripts.matrix.results import BuildOptions\n"
        "p = Project.discover(Path.cwd())\n"
        "os.environ.update(sphinx_environment(p))\n"
        "os.environ.pop(ADOPTION_ENV, None)\n"
        "options = BuildOptions(formats=for_edition(adoption=False))  # what `make all` builds\n"
        "stale = [f'{tag}/{fmt}' for tag in p.registry().tags for fmt, _ in plan_edition(p, tag, options)[1]]\n"
        "print(json.dumps(stale))\n")
    label = "nothing changed: make all (this repository)"
    try:
        done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True,
                              timeout=120, check=False)
        stale = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else None
    except (subprocess.TimeoutExpired, ValueError, IndexError):
        stale = None
    if stale is None:
        return at_most("make_nothing_changed", label, None, 1.0, "s",
                       note="skipped: could not read the repository's build state")
    if stale:
        return at_most("make_nothing_changed", label, None, 1.0, "s",
                       note=f"skipped: the repository's build/ is not up to date ({len(stale)} editions would be "
                            "built, e.g. " + ", ".join(stale[:3]) + "); run `make` once, then `make bench`")
    say("nothing changed: make all in the repository ...")
    run = measure.run(["make", "-C", str(REPO), "all"], cwd=REPO, env=dict(os.environ), log=logs / "make-all.log",
                      timeout=600)
    return at_most("make_nothing_changed", label, run.wall if run.ok else None, 1.0, "s",
                   shown=_seconds(run) if run.ok else f"failed (log: {run.log})")


# ---------------------------------------------------------------- 20 languages against 5


def scaled(snap: Path, work: Path, tags: list[str], full: Run | None, options: Options, results: Results,
           say: Callable[[str], None]) -> None:
    logs = work / "logs"
    template = copy_of(snap, work / "scaled-template")
    say(f"scaled policy: extracting templates and writing {len(corpus.SCALED_TAGS)} pseudo-translations ...")
    done = subprocess.run(cli(template, "extract"), cwd=template, env=environment(template), capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        results.failures.append(f"scaled policy: extract failed: {done.stderr.strip()[-500:]}")
        return
    potdir = template / "build" / "gettext"
    pots = {p.relative_to(potdir).with_suffix("").as_posix(): p for p in potdir.rglob("*.pot") if p.stem != "sphinx"}
    corpus.add_pseudo_languages(template, pots, replace_existing=True)
    shutil.rmtree(template / "build")
    big_tags = corpus.registry_tags(template)
    cores = os.cpu_count() or 1
    jobs = options.jobs or cores
    ratio_linear = len(big_tags) / len(tags)
    ideal = math.ceil(len(big_tags) / jobs) / math.ceil(len(tags) / jobs)

    formats = options.formats
    reason = ""
    if options.scaled == "html":
        formats, reason = ("html",), "html only (--scaled html)"
    elif options.scaled == "auto" and full is not None:
        estimate = full.wall * ratio_linear
        if estimate > options.scaled_budget:
            formats = ("html",)
            reason = (f"html only: {len(big_tags)} languages x {len(options.formats)} formats would take about "
                      f"{estimate / 60:.0f} min here (budget {options.scaled_budget / 60:.0f} min; "
                      "`--scaled all` measures every format)")
    # Both runs on the scaled policy, where every translation is pseudo-translated in full: the
    # 5 languages are the registry's own, the 20 add 15 more of exactly the same kind.
    say(f"scaled policy: {len(tags)} languages, {','.join(formats)} ...")
    lang_args = [arg for tag in tags for arg in ("--lang", tag)]
    small = pipeline(copy_of(template, work / "scaled-5"), tags, formats, logs, "scaled-5", options.jobs,
                     options.timeout, *lang_args)
    small_note = (f"both on the scaled policy, every translation pseudo-translated in full (the first "
                  f"{len(tags)} are the registry's own languages)")
    say(f"scaled policy: {len(big_tags)} languages, {','.join(formats)} ...")
    big_root = copy_of(template, work / "scaled-20")
    big = pipeline(big_root, big_tags, formats, logs, "scaled-20", options.jobs, options.timeout)
    results.runs["scaled_5"] = small.as_dict()
    results.runs["scaled_20"] = big.as_dict()
    failed = _failed_editions(big.extra["statuses"])
    if failed or not big.ok:
        results.failures.append(f"scaled policy: failed {', '.join(failed[:6]) or '(see log)'} (log: {big.log})")
    say(f"  5: {_seconds(small)}; {len(big_tags)}: {_seconds(big)}")
    results.measures += [
        info("scaled_time", f"{len(big_tags)} languages ({','.join(formats)})", _seconds(big), big.wall, "s",
             note=reason),
        at_most("scaled_ratio", f"{len(big_tags)} languages / {len(tags)} languages",
                big.wall / small.wall if small.wall else None, ratio_linear, "x",
                shown=f"{big.wall / small.wall:.2f}x ({len(tags)}: {small.wall:.1f} s)" if small.wall else None,
                note=f"linear in languages = {ratio_linear:g}x; with {jobs} at once the ideal is "
                     f"ceil({len(big_tags)}/{jobs}) / ceil({len(tags)}/{jobs}) = {ideal:.2f}x; CPU ratio "
                     f"{big.cpu / small.cpu:.2f}x, CPU per language {small.cpu / len(tags):.1f} s ({len(tags)}) and "
                     f"{big.cpu / len(big_tags):.1f} s ({len(big_tags)}); {small_note}"
                     if small.cpu else small_note),
    ]


# ---------------------------------------------------------------- catalog tools


def _cli_figure(name: str, run: Run, limit: float | None, label: str, note: str = "") -> Measure:
    if not run.ok and run.returncode != 1:  # check exits 1 when it finds errors: still measured
        text = Path(run.log).read_text(encoding="utf-8", errors="replace") if run.log else ""
        why = "not available" if "invalid choice" in text else f"failed (exit {run.returncode}, log: {run.log})"
        return at_most(name, label, None, limit, "s", shown=why, note=note) if limit else info(name, label, why)
    if limit is None:
        return info(name, label, _seconds(run), run.wall, "s", note=note)
    return at_most(name, label, run.wall, limit, "s", shown=_seconds(run), note=note)


def catalog_tools(snap: Path, work: Path, options: Options, results: Results, say: Callable[[str], None]) -> None:
    logs = work / "logs"
    pristine = work / "catalogs"
    say(f"catalog corpus: generating {options.catalogs} catalogs, {options.entries} entries ...")
    stats = corpus.make_catalog_corpus(pristine, catalogs=options.catalogs, entries=options.entries)
    results.runs["catalog_corpus"] = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(stats).items()}
    env = environment(snap)  # the corpus is a project of its own; the pipeline's code is the snapshot's
    size = f"{stats.catalogs} catalogs, {stats.entries} entries"

    def fresh(name: str) -> Path:
        dest = work / name
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(pristine, dest)
        return dest

    def timed(name: str, root: Path, *args: str) -> Run:
        say(f"  {' '.join(args)} ...")
        run = measure.run(cli(root, *args), cwd=root, env=env, log=logs / f"catalogs-{name}.log",
                          timeout=options.timeout)
        results.runs[f"catalogs_{name}"] = run.as_dict()
        return run

    startup = timed("cli-startup", snap, "--help")
    reading = fresh("catalogs-read")
    status = timed("status", reading, "status")
    check = timed("check", reading, "check", "--no-extract")
    updating = fresh("catalogs-update")
    update = timed("update", updating, "update", "--no-extract")
    update_again = timed("update-again", updating, "update", "--no-extract")
    check_extract = timed("check-extract", reading, "check")
    extract = timed("extract", fresh("catalogs-extract"), "extract")
    summary = ""
    log = Path(update.log).read_text(encoding="utf-8", errors="replace").strip().splitlines() if update.ok else []
    if log:
        summary = log[-1]
    results.measures += [
        _cli_figure("status", status, 1.0, f"status, {size}"),
        _cli_figure("check", check, 10.0, "check --no-extract, same corpus",
                    note="every catalog: syntax, headers, markup, safety, orthography, wrapping"),
        _cli_figure("update", update, 15.0, f"update --no-extract, {stats.catalogs} catalogs",
                    note=f"templates ahead of the catalogs (~3% paragraphs changed, 1% added, 1% removed): {summary}"),
        _cli_figure("update_again", update_again, None, "update again (nothing to do)"),
        _cli_figure("check_extract", check_extract, None, "check with extraction (Sphinx gettext)",
                    note=f"{stats.documents} documents extracted, then compared with the catalogs"),
        _cli_figure("extract", extract, None, "extract (Sphinx gettext), which update runs first",
                    note="`update` without --no-extract costs about this plus `update --no-extract`"),
        _cli_figure("cli_startup", startup, None, "python -m scripts --help (start-up, in each above)"),
    ]
    results.measures += comparisons(pristine, reading, work, cli, env, logs, options.timeout, say,
                                    big_entries=2_000 if options.mode == "smoke" else BIG_ENTRIES)


# ---------------------------------------------------------------- all of it


def _revision(options: Options) -> str:
    """What was measured: "working tree", or the revision asked for and the commit it named."""
    if options.rev is None:
        return "working tree"
    done = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", options.rev], capture_output=True,
                          text=True, check=False)
    return f"{options.rev} ({done.stdout.strip()})" if done.returncode == 0 else options.rev


def run_benchmark(options: Options, say: Callable[[str], None] = print) -> dict[str, Any]:
    results = Results()
    started = time.time()
    revision = _revision(options)
    load_before = measure.load_average()
    owned = options.workdir is None
    work = Path(tempfile.mkdtemp(prefix="policy-bench-")) if owned else options.workdir
    assert work is not None
    work.mkdir(parents=True, exist_ok=True)
    try:
        snap = snapshot(options.project, work / "snapshot", rev=options.rev)
        # Whatever this process imports from scripts (the corpus generators) is the snapshot too.
        sys.path.insert(0, str(snap))
        tags = corpus.registry_tags(snap)
        say(f"benchmark ({options.mode}): {options.project} ({revision}) -> copies in {work}; {os.cpu_count()} cores, "
            f"load {load_before}")
        full = None
        if "matrix" in options.parts:
            full = matrix(snap, work, tags, options, results, say)
            if options.real_make:
                results.measures.append(real_make_noop(work / "logs", say))
        if options.scaled != "off" and ("matrix" in options.parts or "scaled" in options.parts):
            scaled(snap, work, tags, full, options, results, say)
        if "adoption" in options.parts:
            from benchmarks.adoption_matrix import adoption_vs_model  # noqa: PLC0415

            measures, runs, failures = adoption_vs_model(snap, work, options.jobs, options.timeout, say)
            results.measures += measures
            results.runs.update(runs)
            results.failures += failures
        if "catalogs" in options.parts and options.catalogs:
            catalog_tools(snap, work, options, results, say)
        usage = measure.max_rss_bytes()
        recorded = {name: r for name, r in results.runs.items() if isinstance(r, dict)}
        peaks = {name: r.get("peak_tree_pss_mib") or r.get("peak_tree_rss_mib", 0) for name, r in recorded.items()}
        largest = max(peaks, key=lambda name: peaks[name], default="")
        tree = peaks.get(largest, 0)
        tree_rss = max((r.get("peak_tree_rss_mib", 0) for r in recorded.values()), default=0)
        results.measures += [
            at_most("memory_process", "peak memory, largest process", usage["children"] / GiB, 1.0, "GiB",
                    shown=f"{usage['children'] / 2**20:.0f} MiB",
                    note=f"ru_maxrss of the children (Sphinx, xelatex, ...); this process: "
                         f"{usage['self'] / 2**20:.0f} MiB"),
            at_most("memory_tree", "peak memory, whole matrix at once", tree / 1024, 1.0, "GiB",
                    shown=f"{tree:.0f} MiB",
                    note=f"sum of the PSS of every process of one run (shared pages divided among the processes"
                         f" that map them), sampled every 0.2 s; largest: {largest}; by RSS (shared pages counted"
                         f" in every process, an upper bound): {tree_rss:.0f} MiB"),
        ]
    finally:
        if sys.path and sys.path[0] == str(work / "snapshot"):
            sys.path.pop(0)
        if owned and not options.keep:
            shutil.rmtree(work, ignore_errors=True)
    load_after = measure.load_average()
    results.notes.append(
        f"Machine: {os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}; load average "
        f"{load_before} before, {load_after} after. Wall times count other work on the machine; CPU times "
        "(user + system of every process involved) do not, and are the figures to compare on a busy machine.")
    return {
        "schema": 1,
        "mode": options.mode,
        "project": str(options.project),
        "revision": revision,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "seconds": round(time.time() - started, 1),
        "machine": {"cores": os.cpu_count(), "load_before": load_before, "load_after": load_after,
                    "platform": platform.platform(), "python": platform.python_version()},
        "workdir": None if owned and not options.keep else str(work),
        "measures": results.measures,
        "runs": results.runs,
        "notes": results.notes,
        "failures": results.failures,
    }
