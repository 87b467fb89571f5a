"""The producer of the bilingual edition (scripts.formats' ``bilingual`` row): the Sphinx
``bilingual`` builder (scripts/sphinxext/bilingual.py) writes HTML pages and a .tex file from the
language's one read; the HTML replaces ``site/bilingue/<tag>/`` whole, xelatex runs in the
background like the PDF's, and the PDF is copied atomically into dist/ once it is complete.

A language whose registry entry does not ask for a bilingual edition (the source language, or
``bilingual = false``) gets none: the producer records that, and publishes nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from scripts.atomic import write_atomic
from scripts.formats import OutputFormat
from scripts.matrix import texpasses, texrun
from scripts.matrix.produce import publish_latex_pdf
from scripts.matrix.replace import replace_tree
from scripts.matrix.texrun import LATEX_OPTIONS, LATEXMK_PASS_OPTIONS
from scripts.matrix.worker import EditionJob, Produced
from scripts.project import edition_basename
from scripts.site_layout import BILINGUAL_DIR as SITE_DIR
from scripts.sphinxext.bilingual import HTML_DIR, TEX_SUFFIX


def produce_bilingual(job: EditionJob, fmt: OutputFormat) -> Produced:
    lang = job.project.registry().get(job.tag)
    if not fmt.applies_to(lang):
        note = job.work / "bilingual-not-requested.txt"
        write_atomic(note, f"{job.tag}: the registry asks for no bilingual edition ({fmt.only_for} = false).\n".encode())
        shutil.rmtree(job.site / SITE_DIR / job.tag, ignore_errors=True)
        (job.dist / job.project.dist_name(job.tag, fmt.suffix)).unlink(missing_ok=True)  # asked for before
        return str(note)
    outdir = job.work / fmt.name
    # The pages go (a page of an older build must not survive); the .tex is rewritten, and the
    # .aux/.out of the previous run stay, so an unchanged structure needs one xelatex pass.
    shutil.rmtree(outdir / HTML_DIR, ignore_errors=True)
    if job.options.force:
        shutil.rmtree(outdir, ignore_errors=True)
    job.sphinx(fmt.builder, outdir)
    replace_tree(outdir / HTML_DIR, job.site / SITE_DIR / job.tag)
    stem = outdir / f"{edition_basename(job.tag)}{TEX_SUFFIX}"
    return publish_latex_pdf(job, fmt, texrun.Typesetting(bilingual_commands(stem)),
                             "xelatex failed (bilingual edition):")


def bilingual_commands(stem: Path) -> texrun.Commands:
    """How the bilingual PDF is typeset: latexmk with its default $xelatex ("xelatex %O %S") and
    $xdvipdfmx ("xdvipdfmx -E -o %D %O %S"), as no latexmkrc is written beside it; and the one
    pass scripts.matrix.texrun runs itself when it is the only one needed."""
    tex = stem.with_suffix(".tex")
    passes = texpasses.prepare(tex)
    latexmk = ["latexmk", "-xelatex", "-silent", "-time", *passes, f"-latexoption={LATEX_OPTIONS}", tex.name]
    return texrun.Commands(
        cwd=stem.parent, stem=stem, latexmk=latexmk, latexmk_again=[*latexmk[:1], "-g", *latexmk[1:]],
        xelatex=["xelatex", "-no-pdf", *LATEX_OPTIONS.split(), *LATEXMK_PASS_OPTIONS[1:], tex.name],
        xdvipdfmx=["xdvipdfmx", "-E", "-o", stem.with_suffix(".pdf").name, "-q", stem.with_suffix(".xdv").name],
        ignore_page_count=bool(passes))
