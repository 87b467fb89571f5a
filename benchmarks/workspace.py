"""Copies of a project to build in, and the environment every build of the benchmark shares.

The pipeline's code is copied too (scripts/, once, at the start of the run): its files are
inputs of every edition's fingerprint, so an edit to scripts/ made while the benchmark runs
(other people work in this repository) would otherwise turn the "nothing changed" rebuild into
a full one. conf.py puts its own directory first on sys.path, so the baseline's sphinx-build
imports the same copy.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path

from scripts import formats

REPO = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("conf.py", "source", "locale")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", ".update.lock", "build", "dist")
BENCH_VERSION = "0.0.0-bench"
# 2026-01-01T00:00:00Z: dates in the outputs must not depend on when the benchmark runs.
BENCH_EPOCH = "1767225600"


def snapshot(project_root: Path, dest: Path, package_root: Path = REPO, rev: str | None = None) -> Path:
    """conf.py, source/, locale/ of `project_root` and the pipeline package, copied to `dest`.

    With `rev`, all of them as committed at that git revision of the repository instead of as
    they are in the working tree (which may hold someone's unfinished change).
    """
    dest.mkdir(parents=True)
    if rev is not None:
        if project_root.resolve() != package_root.resolve():
            raise ValueError("a git revision can only be benchmarked for the repository itself")
        archive = subprocess.run(["git", "-C", str(package_root), "archive", "--format=tar", rev,
                                  *PROJECT_PARTS, "scripts"], capture_output=True, check=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(dest, filter="data")
        return dest
    for part in PROJECT_PARTS:
        source = project_root / part
        if source.is_dir():
            shutil.copytree(source, dest / part, ignore=IGNORED)
        elif source.is_file():
            shutil.copy2(source, dest / part)
    shutil.copytree(package_root / "scripts", dest / "scripts", ignore=IGNORED)
    return dest


def copy_of(snap: Path, dest: Path) -> Path:
    """A fresh project to build in: the snapshot, without any build output."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(snap, dest, ignore=IGNORED)
    return dest


def environment(root: Path) -> dict[str, str]:
    """What every command of the benchmark runs with: same code, version and dates everywhere."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"POLICY_BUILD_DIR", "POLICY_DIST_DIR", "PYTHONPATH", "PYTHONSTARTUP"}}
    env.update(PYTHONPATH=str(root), POLICY_VERSION=BENCH_VERSION, SOURCE_DATE_EPOCH=BENCH_EPOCH,
               CI="1", NO_COLOR="1", PYTHONUNBUFFERED="1")
    return env


def local_environment(root: Path) -> dict[str, str]:
    """A person's build, not a release's: the version and date come from git (the last commit
    that changed an edition input), so the copy must be a repository (commit_all)."""
    env = environment(root)
    for name in ("POLICY_VERSION", "SOURCE_DATE_EPOCH"):
        env.pop(name, None)
    return env


def commit_all(root: Path, message: str, paths: tuple[str, ...] = (".",)) -> None:
    """Commit `paths` of the copy (a repository is made first), dated BENCH_EPOCH so that the
    dates in the outputs do not depend on when the benchmark runs."""
    date = f"@{BENCH_EPOCH} +0000"
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    git = ["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
           "-c", "commit.gpgsign=false"]
    if not (root / ".git").exists():
        subprocess.run([*git, "init", "-q"], check=True, env=env)
    subprocess.run([*git, "add", "--", *paths], check=True, env=env)
    subprocess.run([*git, "commit", "-q", "-m", message], check=True, env=env)


def cli(root: Path, *args: str) -> list[str]:
    """`python -m scripts --root ROOT ...`, with the interpreter running the benchmark."""
    return [sys.executable, "-m", "scripts", "--root", str(root), *args]


SUMMARY_RE = re.compile(r"^  (\S+) +((?:" + "|".join(formats.NAMES) + r") \w+.*)$", re.MULTILINE)


def forget_results(root: Path) -> None:
    """Remove the last run's build/logs/<tag>.result.json, so that what is there after a run is its own."""
    for path in (root / "build" / "logs").glob("*.result.json"):
        path.unlink()


def summary_statuses(output: str) -> dict[str, dict[str, str]]:
    """tag -> format -> status from the summary `build` prints ("  es     html skipped, pdf built 9.1s")."""
    found: dict[str, dict[str, str]] = {}
    for tag, cells in SUMMARY_RE.findall(output):
        found[tag] = {cell.split()[0]: cell.split()[1] for cell in cells.split(", ") if len(cell.split()) >= 2}
    return found


def edition_statuses(root: Path, tags: list[str], output: str = "") -> dict[str, dict[str, str]]:
    """tag -> format -> status ("built", "skipped", "failed") of the last run.

    From build/logs/<tag>.result.json, which a worker writes; an edition found up to date is
    decided without a worker, and then only the summary printed by `build` says so.
    """
    summary = summary_statuses(output)
    found: dict[str, dict[str, str]] = {}
    for tag in tags:
        path = root / "build" / "logs" / f"{tag}.result.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            found[tag] = {entry["format"]: entry["status"] for entry in data.get("formats", [])}
        except (OSError, ValueError, KeyError, TypeError):
            found[tag] = summary.get(tag, {"*": "no result"})
    return found


def change_one_msgstr(root: Path, tag: str, suffix: str = " (bench)",
                      shown: Callable[[str], bool] | None = None,
                      documents: list[str] | None = None) -> dict[str, str]:
    """Edit one translated paragraph of `tag` in place, as a translator would; says which.

    A plain text edit (no catalog library), so that the file's only change is that string.
    `shown`, when given, should accept the paragraph's last line (plain words, no markup): a
    paragraph readers see in the edition built before, not one of a part the edition leaves out.
    When no paragraph passes, the first one is changed (the benchmark then reports where the
    change shows). `documents`, when given, are the documents whose catalogs are tried, in that
    order (otherwise every catalog, by name).
    """
    if shown is not None:
        try:
            return _change_one_msgstr(root, tag, suffix, shown, documents)
        except LookupError:
            pass
    return _change_one_msgstr(root, tag, suffix, None, documents)


def _change_one_msgstr(root: Path, tag: str, suffix: str, shown: Callable[[str], bool] | None,
                       documents: list[str] | None = None) -> dict[str, str]:
    catalogs = root / "locale" / tag / "LC_MESSAGES"
    paths = sorted(catalogs.glob("*.po")) if documents is None else [
        catalogs / f"{name}.po" for name in documents if (catalogs / f"{name}.po").is_file()]
    for path in paths:
        if path.stem == "sphinx":
            continue
        text = path.read_text(encoding="utf-8")
        blocks = text.split("\n\n")
        for index, block in enumerate(blocks):
            lines = block.split("\n")
            if any(line.startswith(("#~", "#, fuzzy")) or (line.startswith("#,") and "fuzzy" in line)
                   for line in lines):
                continue
            starts = [i for i, line in enumerate(lines) if line.startswith("msgstr ")]
            if len(starts) != 1 or not any(line.startswith('msgid "') for line in lines):
                continue
            msgid_line = next(i for i, line in enumerate(lines) if line.startswith('msgid "'))
            if lines[msgid_line] == 'msgid ""' and msgid_line + 1 == starts[0]:
                continue  # the header
            body = lines[starts[0]:]
            if len(body) < 3 or not all(line.endswith('"') for line in body):
                continue  # only paragraphs (wrapped msgstr) with a translation
            last = starts[0] + len(body) - 1
            words = lines[last][1:-1].strip()
            if shown is not None and (len(words) < 20 or any(c in words for c in "{}`*[]\\<>_&") or not shown(words)):
                continue
            lines[last] = lines[last][:-1] + suffix + '"'
            blocks[index] = "\n".join(lines)
            path.write_text("\n\n".join(blocks), encoding="utf-8")
            line = sum(b.count("\n") + 2 for b in blocks[:index]) + last + 1
            return {"catalog": str(path.relative_to(root)), "line": str(line)}
    raise LookupError(f"no translated paragraph found in the {tag} catalogs to change")


def first_translated_language(root: Path, tags: list[str]) -> str:
    """The first language with a translated paragraph (the source has none), in registry order."""
    for tag in tags:
        probe = root / "locale" / tag / "LC_MESSAGES"
        for path in sorted(probe.glob("*.po")):
            if path.stem != "sphinx" and '\nmsgstr ""\n"' in path.read_text(encoding="utf-8"):
                return tag
    raise RuntimeError("no language has a translated paragraph")


def site_text(root: Path, tag: str) -> str:
    """The pages of `tag`'s edition on the site, as written."""
    return "\n".join(page.read_text(encoding="utf-8", errors="replace")
                     for page in sorted((root / "build" / "site" / tag).glob("*.html")))


def edition_texts(root: Path, tag: str) -> dict[str, str]:
    """The text readers get in each format of `tag`'s edition: its site pages, its EPUB's pages,
    and its PDF's text (by pdftotext, when installed), to see whether a change reached them."""
    import zipfile  # noqa: PLC0415

    texts = {"html": site_text(root, tag)}
    for epub in sorted((root / "dist").glob(f"*-{tag}.epub")):
        with zipfile.ZipFile(epub) as archive:
            texts["epub"] = "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                                      if name.endswith((".xhtml", ".html")))
    for pdf in sorted((root / "dist").glob(f"*-{tag}.pdf")):
        if shutil.which("pdftotext"):
            done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=False)
            texts["pdf"] = " ".join(done.stdout.split())
    return texts


DOCUMENT_LABEL = re.compile(r"\\label\{\\detokenize\{([^{}]+)::doc\}\}")


def pdf_documents(root: Path, tag: str) -> list[str]:
    """The documents of `tag`'s PDF in the order it shows them (Sphinx labels each one's start
    in the LaTeX it wrote), or [] when there is no LaTeX."""
    for tex in sorted((root / "build" / "work" / tag / "latex").glob("*.tex")):
        names = DOCUMENT_LABEL.findall(tex.read_text(encoding="utf-8", errors="replace"))
        if names:
            return list(dict.fromkeys(names))
    return []
