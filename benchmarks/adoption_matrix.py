"""An adoption's full matrix against the model's: an adoption is one more dimension of the edition
(adoption x language x format), so the same languages and formats should cost the same.

Three runs on fresh copies of the snapshot (with the repository's adopciones/): the model in the
example adoption's languages, the adoption in the same formats, then the adoption's own extra
format (the editable DOCX) alone, every other edition skipped.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import measure
from benchmarks.measure import Run
from benchmarks.report import Measure, at_most, info
from benchmarks.workspace import REPO, cli, copy_of, environment
from scripts import formats as format_table

ADOPTIONS = "adopciones"


def _run(root: Path, name: str, logs: Path, timeout: float, *args: str) -> Run:
    return measure.run(cli(root, "build", *args), cwd=root, env=environment(root), log=logs / f"{name}.log",
                       timeout=timeout)


def adoption_vs_model(snap: Path, work: Path, jobs: int, timeout: float, say: Callable[[str], None],
                      slug: str = "ejemplo-municipio") -> tuple[list[Measure], dict[str, Any], list[str]]:
    """(measures, runs, failures) of the example adoption's matrix against the model's."""
    from scripts.adoption_build import adoption_languages  # noqa: PLC0415
    from scripts.project import Project  # noqa: PLC0415

    source = REPO / ADOPTIONS / slug
    if not source.is_dir():
        return [], {}, [f"adoption benchmark: {source} does not exist"]
    logs = work / "logs"
    model_formats = format_table.for_edition(adoption=False)
    extra = [name for name in format_table.for_edition(adoption=True) if name not in model_formats]
    root = copy_of(snap, work / "adoption")
    shutil.copytree(source, root / ADOPTIONS / slug)
    tags = adoption_languages(Project(root), root / ADOPTIONS / slug / "adopcion.toml")
    lang_args = [arg for tag in tags for arg in ("--lang", tag)]
    common = ["--jobs", str(jobs), "--formats", ",".join(model_formats)]
    shape = f"{len(tags)} languages ({', '.join(tags)}) x {len(model_formats)} formats"
    say(f"adoption: the model, {shape} ...")
    model = _run(root, "adoption-model", logs, timeout, *common, *lang_args)
    say(f"  {model.wall:.1f} s (CPU {model.cpu:.1f} s)")
    say(f"adoption: {slug}, {shape} ...")
    adopted = _run(root, "adoption-full", logs, timeout, *common, "--adoption", f"{ADOPTIONS}/{slug}")
    say(f"  {adopted.wall:.1f} s (CPU {adopted.cpu:.1f} s)")
    say(f"adoption: {slug}, {', '.join(extra)} only ...")
    editable = _run(root, "adoption-extra", logs, timeout, "--jobs", str(jobs), "--formats", ",".join(extra),
                    "--adoption", f"{ADOPTIONS}/{slug}")
    say(f"  {editable.wall:.1f} s (CPU {editable.cpu:.1f} s)")
    failures = [f"adoption benchmark: {name} failed (log: {run.log})"
                for name, run in (("model", model), ("adoption", adopted), ("editable", editable)) if not run.ok]
    ratio = adopted.cpu / model.cpu if model.cpu else None
    measures = [
        info("adoption_model", f"model, {shape}", f"{model.wall:.1f} s (CPU {model.cpu:.1f} s)", model.wall, "s"),
        info("adoption_full", f"adoption {slug}, {shape}", f"{adopted.wall:.1f} s (CPU {adopted.cpu:.1f} s)",
             adopted.wall, "s", note=f"python -m scripts build --adoption {ADOPTIONS}/{slug}"),
        at_most("adoption_ratio", "adoption / model, same editions (CPU time)", ratio, 1.15, "x",
                note=f"wall time ratio {adopted.wall / model.wall:.2f}x" if model.wall else ""),
        info("adoption_editable", f"adoption {slug}: {', '.join(extra)} of {len(tags)} languages",
             f"{editable.wall:.1f} s (CPU {editable.cpu:.1f} s)", editable.wall, "s",
             note="the adoption's own format (whole policy and instrument, by pandoc), the rest skipped"),
    ]
    runs = {"adoption_model": model.as_dict(), "adoption_full": adopted.as_dict(),
            "adoption_editable": editable.as_dict()}
    return measures, runs, failures
