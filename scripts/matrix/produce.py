"""The producer of each output format (scripts.formats names them): from one Sphinx read to the
published file or directory.

Each takes the edition's job and its row of the format table and returns the output's path (or
a function that waits for a background step and returns it); FormatFailed says why it could not.
"""

from __future__ import annotations

import re
import shlex
import shutil
from collections.abc import Callable
from pathlib import Path

from scripts.archives import repack_epub
from scripts.atomic import copy_atomic
from scripts.diagnostics import Diagnostic, display_path
from scripts.formats import OutputFormat
from scripts.matrix import phases, texearly, texpasses, texrun
from scripts.matrix.replace import prune_other_versions, replace_tree
from scripts.matrix.texrun import LATEX_OPTIONS, pdf_pass, pdf_stem
from scripts.matrix.worker import EditionJob, FormatFailed, Produced
from scripts.project import Project, edition_basename

MISSING_CHARACTER_RE = re.compile(r"^Missing character: .*$", re.MULTILINE)
CODEPOINT_RE = re.compile(r"\(U\+([0-9A-Fa-f]{4,6})\)")
INSTRUMENT_PART = "instrumento"  # the DOCX of the adoption instrument alone: <edition>-instrumento.docx
# latexmk's own rules, with every xelatex pass writing XDV (--no-pdf, as Sphinx's latexmkrc has
# it for $xelatex) and xdvipdfmx turning the last one into the PDF once, instead of each pass
# writing a PDF. xdvipdfmx reads the XDV on its standard input, with the options XeTeX itself
# gives it ("-q -E"), so the PDF is byte for byte the one xelatex writes (its /ID derives from
# the input's name). -time makes latexmk report each rule's time (scripts.matrix.phases).
LATEXMK_OPTIONS = "-silent -time -xelatex -e '$$xdvipdfmx=q/xdvipdfmx -q -E -o %D %O < %S/'"


def produce_html(job: EditionJob, fmt: OutputFormat) -> Produced:
    staged = job.work / fmt.name
    if job.options.force:  # a forced build starts clean: no file of an older build survives
        shutil.rmtree(staged, ignore_errors=True)
    job.sphinx(fmt.builder, staged)
    with phases.timed(f"{fmt.name}: put in place"):
        replace_tree(staged, job.site / job.tag)
    return str(job.site / job.tag / "index.html")


def produce_epub(job: EditionJob, fmt: OutputFormat) -> Produced:
    epub_dir = job.work / fmt.name
    if job.options.force:  # otherwise kept: only changed pages are written again, and a directory
        shutil.rmtree(epub_dir, ignore_errors=True)  # that would pack stale files is emptied first
    job.sphinx(fmt.builder, epub_dir)  # (scripts/sphinxext/navigation.py)
    dest = job.dist / job.project.dist_name(job.tag, fmt.suffix)
    with phases.timed(f"{fmt.name}: repack"):
        repack_epub(epub_dir / f"{edition_basename(job.tag)}.{fmt.suffix}", dest, job.epoch)
    prune_other_versions(dest, job.tag, fmt.suffix)
    return str(dest)


def produce_pdf(job: EditionJob, fmt: OutputFormat) -> Produced:
    """LaTeX from Sphinx, then xelatex in the background (the other formats are written meanwhile).
    When a core would be idle, the one pass of an incremental build starts beside Sphinx on what
    did not change (scripts.matrix.texearly)."""
    latex_dir = job.work / "latex"
    stem = pdf_stem(job.work, job.tag)
    xelatex = pdf_pass(stem)
    early = texearly.take(stem, xelatex)  # started with the edition's build (texearly.start_ahead)
    if early is None and job.options.background_first:
        early = texearly.EarlyPass.start(stem, xelatex)
    try:
        job.sphinx(fmt.builder, latex_dir, on_read=early.documents_read if early else None)
    except BaseException:
        if early is not None:
            early.cancel()
        raise
    return publish_latex_pdf(job, fmt, texrun.Typesetting(pdf_commands(stem), early), "xelatex failed:")


def pdf_commands(stem: Path) -> texrun.Commands:
    """How the edition's PDF is typeset: latexmk through the Makefile Sphinx writes (its
    latexmkrc sets $xelatex), and the one pass scripts.matrix.texrun runs itself when it is the
    only one needed, with the command lines latexmk would run."""
    latex_dir, tex = stem.parent, stem.with_suffix(".tex")
    passes = texpasses.prepare(tex)

    def make(*extra: str) -> list[str]:
        options = " ".join([LATEXMK_OPTIONS, *extra, *(shlex.quote(o) for o in passes)])
        return ["make", "-C", str(latex_dir), "all-pdf", f"LATEXMKOPTS={options}", f"LATEXOPTS={LATEX_OPTIONS}"]

    return texrun.Commands(
        cwd=latex_dir, stem=stem, latexmk=make(), latexmk_again=make("-g"),
        xelatex=pdf_pass(stem),
        xdvipdfmx=["xdvipdfmx", "-q", "-E", "-o", stem.with_suffix(".pdf").name, "-q"], xdv_on_stdin=True,
        ignore_page_count=bool(passes))


def publish_latex_pdf(job: EditionJob, fmt: OutputFormat, typesetting: texrun.Typesetting,
                      failed: str) -> Callable[[], str]:
    """What waits for a background xelatex run: its problems (missing glyphs) fail the format;
    otherwise ``<stem>.pdf`` is published atomically as the format's file in dist/."""
    stem = typesetting.commands.stem

    def wait() -> str:
        outcome = typesetting.wait()
        for step, seconds in outcome.steps:
            phases.record(f"{fmt.name}: {step}", seconds, seconds)
        if outcome.beside:  # not on the format's path: it ran while Sphinx read and wrote
            phases.record(f"{fmt.name} (beside Sphinx): xelatex pass 1 before the LaTeX was written",
                          outcome.beside, outcome.beside)
        phases.latexmk_rules(outcome.output, fmt.name,
                             passes_before=sum(step.startswith("xelatex") for step, _ in outcome.steps))
        pdf = stem.with_suffix(".pdf")
        problems = latex_problems(job.project, job.tag, stem.with_suffix(".log"))
        if outcome.returncode != 0 or not pdf.is_file():
            tail = outcome.output.strip().splitlines()[-15:]
            raise FormatFailed(problems, [failed, *tail])
        if problems:
            raise FormatFailed(problems)
        dest = job.dist / job.project.dist_name(job.tag, fmt.suffix)
        copy_atomic(pdf, dest)
        prune_other_versions(dest, job.tag, fmt.suffix)
        return str(dest)

    return wait


def _where_is(project: Project, tag: str, char: str) -> tuple[str, int] | None:
    """The first catalog entry or source line holding `char`, where a person fixes it."""
    candidates = sorted(project.catalogdir(tag).rglob("*.po")) + sorted(project.srcdir.rglob("*.md"))
    for path in candidates:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(lines, 1):
            if char in line and not line.startswith(("#", "msgid")):
                return display_path(path, project.root), number
    return None


def latex_problems(project: Project, tag: str, log_path: Path) -> list[Diagnostic]:
    """What xelatex's log says a person must fix: a missing log, or glyphs no font has."""
    shown_log = display_path(log_path, project.root)
    if not log_path.is_file():
        return [Diagnostic(shown_log, 0, "pdf-no-log", "xelatex wrote no log", f"see build/logs/{tag}.log")]
    text = log_path.read_text(encoding="utf-8", errors="replace")
    problems = []
    for message in sorted(set(MISSING_CHARACTER_RE.findall(text))):
        code = CODEPOINT_RE.search(message)
        path, line = (code and _where_is(project, tag, chr(int(code.group(1), 16)))) or (shown_log, 0)
        problems.append(Diagnostic(
            path, line, "pdf-missing-glyph", message,
            "no font of the PDF has this character: write it as the language's orthography does (see the "
            "registry's apostrophe policy), or add a font that covers it (latex_elements['fontpkg'])"))
    return problems


def produce_docx(job: EditionJob, fmt: OutputFormat) -> Produced:
    """The whole adopted policy and its instrument alone, by pandoc from the single-page HTML
    (scripts/docx_edition.py); dist/ gets <edition>.docx and <edition>-instrumento.docx."""
    from scripts.docx_edition import ConversionError, document_html, html_to_docx  # noqa: PLC0415

    staged = job.work / fmt.builder
    shutil.rmtree(staged, ignore_errors=True)
    job.sphinx(fmt.builder, staged)
    page = staged / "index.html"
    outputs = {}
    try:
        for part, instrument in (("", False), (f"-{INSTRUMENT_PART}", True)):
            made = html_to_docx(document_html(page, job.tag, instrument), job.work / fmt.name,
                                f"{edition_basename(job.tag)}{part}", staged)
            outputs[part] = made
    except ConversionError as exc:
        raise FormatFailed([], [str(exc)]) from None
    for part, made in outputs.items():
        dest = job.dist / job.project.dist_name(f"{job.tag}{part}", fmt.suffix)
        copy_atomic(made, dest)
        prune_other_versions(dest, f"{job.tag}{part}", fmt.suffix)
    return str(job.dist / job.project.dist_name(job.tag, fmt.suffix))
