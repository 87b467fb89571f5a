"""The catalog tools beside the field's own, on the same corpus in the same run, as ratios.

    update --no-extract   against  msgmerge --previous on every catalog (what update delegates to)
    status                against  potodo (the translation-progress tool of Python's docs team)
    the PO writer         against  msgcat, on one catalog of ~22.5 MB (~53,000 entries), and its
                                   time per entry at a quarter and at the full size (linear?)

`python -m benchmarks.catalog_tools [DIR]` prints the figures alone (on a generated corpus, or
on the project at DIR); `make bench` reports them in its table through `comparisons`. Timings
are evidence from a shared machine, never test assertions.
"""

from __future__ import annotations

import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from benchmarks import measure
from benchmarks.measure import Run
from benchmarks.report import Measure, at_most, info, table

BIG_ENTRIES = 53_000
WORDS = ("datos", "abiertos", "política", "publicación", "conjunto", "dependencia", "portal", "calidad",
         "apertura", "gobierno", "municipio", "estado", "transparencia", "formato", "licencia",
         "reutilización", "ciudadanía", "acceso")


def _ratio(name: str, label: str, ours: Run, theirs: Run, target: float, theirs_name: str) -> Measure:
    if not (ours.ok and theirs.ok):
        failed = ours if not ours.ok else theirs
        return at_most(name, label, None, target, "x", shown=f"failed (exit {failed.returncode}, log: {failed.log})")
    ratio = ours.wall / theirs.wall if theirs.wall else float("inf")
    return at_most(name, label, ratio, target, "x", shown=f"{ratio:.2f}x",
                   note=f"ours {ours.wall:.2f} s (CPU {ours.cpu:.2f} s), {theirs_name} {theirs.wall:.2f} s "
                        f"(CPU {theirs.cpu:.2f} s)")


def _msgmerge_script(root: Path) -> Path:
    """A shell script running msgmerge --previous on every catalog with its template, in place."""
    lines = ["set -e"]
    for po in sorted(root.glob("locale/*/LC_MESSAGES/**/*.po")):
        parts = po.relative_to(root / "locale").parts
        docname = Path(*parts[2:]).with_suffix("").as_posix()
        pot = root / "build" / "gettext" / f"{docname}.pot"
        if pot.exists():
            lines.append(f"msgmerge --quiet --previous -o '{po}' '{po}' '{pot}'")
    script = root / "msgmerge-all.sh"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return script


def update_against_msgmerge(pristine: Path, work: Path, cli: Callable[..., list[str]], env: Mapping[str, str],
                            logs: Path, timeout: float | None) -> list[Measure]:
    ours, theirs = work / "cmp-update", work / "cmp-msgmerge"
    for dest in (ours, theirs):
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(pristine, dest)
    script = _msgmerge_script(theirs)
    msgmerge = measure.run(["sh", str(script)], cwd=theirs, env=env, log=logs / "cmp-msgmerge.log", timeout=timeout)
    update = measure.run(cli(ours, "update", "--no-extract"), cwd=ours, env=env, log=logs / "cmp-update.log",
                         timeout=timeout)
    catalogs = len(script.read_text(encoding="utf-8").splitlines()) - 1
    return [_ratio("update_vs_msgmerge", f"update / msgmerge --previous, {catalogs} catalogs", update, msgmerge,
                   1.5, "msgmerge")]


def status_against_potodo(root: Path, cli: Callable[..., list[str]], env: Mapping[str, str], logs: Path,
                          timeout: float | None) -> list[Measure]:
    potodo = shutil.which("potodo", path=str(Path(sys.executable).parent)) or shutil.which("potodo")
    status = measure.run(cli(root, "status", "--json", str(root / "locale")), cwd=root, env=env,
                         log=logs / "cmp-status.log", timeout=timeout)
    if potodo is None:
        return [info("status_vs_potodo", "status / potodo", "potodo not installed (pip install potodo)")]
    theirs = measure.run([potodo, "--no-cache", "-n", "-s", "-j", "-p", str(root / "locale")], cwd=root, env=env,
                         log=logs / "cmp-potodo.log", timeout=timeout)
    return [_ratio("status_vs_potodo", "status / potodo, same catalogs", status, theirs, 1.0, "potodo")]


def big_catalog(path: Path, entries: int = BIG_ENTRIES, seed: int = 3) -> int:
    """A catalog of `entries` paragraphs (~425 bytes each, some python-format), as msgcat writes it."""
    from scripts import pofile  # noqa: PLC0415
    from scripts.pofile import Catalog, Entry  # noqa: PLC0415

    rng = random.Random(seed)
    catalog = Catalog(header=Entry(msgid="", msgstr="Language: de\nMIME-Version: 1.0\n"
                                   "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n"
                                   "Plural-Forms: nplurals=2; plural=(n != 1);\n"))
    for number in range(entries):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(7, 35)))
        msgid = f"{words.capitalize()} ({number})."
        entry = Entry(msgid=msgid, msgstr=msgid.upper() if rng.random() < 0.8 else "",
                      references=[f"source/capitulo-{number // 100:03d}.md:{number % 100 + 1}"])
        if rng.random() < 0.1:
            entry.flags = ["python-format"]
            entry.msgid += " 10% de %(total)s"
            entry.msgstr = entry.msgstr and entry.msgstr + " 10% DE %(total)s"
        catalog.entries.append(entry)
    text = pofile.dumps(catalog)
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


def _writer_seconds(text: str) -> float:
    from scripts import pofile  # noqa: PLC0415

    catalog = pofile.parse(text)
    pofile._wrapped.cache_clear()  # noqa: SLF001 - measure the writer, not its memory of a previous run
    started = time.process_time()
    pofile.dumps(catalog)
    return time.process_time() - started


def writer_against_msgcat(work: Path, logs: Path, env: Mapping[str, str], timeout: float | None,
                          entries: int = BIG_ENTRIES) -> list[Measure]:
    work.mkdir(parents=True, exist_ok=True)
    big, quarter = work / "big.po", work / "quarter.po"
    size = big_catalog(big, entries)
    big_catalog(quarter, entries // 4)
    msgcat = measure.run(["msgcat", "-o", str(work / "msgcat.po"), str(big)], cwd=work, env=env,
                         log=logs / "cmp-msgcat.log", timeout=timeout)
    text = big.read_text(encoding="utf-8")
    ours = _writer_seconds(text)
    quarter_seconds = _writer_seconds(quarter.read_text(encoding="utf-8"))
    from scripts import pofile  # noqa: PLC0415
    started = time.process_time()
    pofile.parse(text)
    reading = time.process_time() - started
    same = msgcat.ok and (work / "msgcat.po").read_text(encoding="utf-8") == text
    per_entry_full = ours / entries
    per_entry_quarter = quarter_seconds / (entries // 4)
    ratio = ours / msgcat.cpu if msgcat.ok and msgcat.cpu else None  # CPU: the machine is shared
    return [
        at_most("writer_vs_msgcat", f"writer / msgcat, {size / 2**20:.1f} MiB, {entries} entries", ratio, 1.5,
                "x", shown=f"{ratio:.2f}x" if ratio is not None else "msgcat failed",
                note=f"CPU: writer {ours:.2f} s, msgcat {msgcat.cpu:.2f} s (it also reads the file; our reader "
                     f"takes {reading:.2f} s more; msgcat wall {msgcat.wall:.2f} s); output byte-identical to "
                     f"msgcat's: {same}"),
        at_most("writer_linear", "writer time per entry, full / quarter size", per_entry_full / per_entry_quarter,
                1.3, "x", shown=f"{per_entry_full / per_entry_quarter:.2f}x",
                note=f"{per_entry_quarter * 1e6:.0f} µs per entry at {entries // 4}, "
                     f"{per_entry_full * 1e6:.0f} µs at {entries}"),
    ]


def comparisons(pristine: Path, reading: Path, work: Path, cli: Callable[..., list[str]], env: Mapping[str, str],
                logs: Path, timeout: float | None, say: Callable[[str], None],
                big_entries: int = BIG_ENTRIES) -> list[Measure]:
    """Every comparison, for the benchmark suite (same corpus as its own catalog figures)."""
    say("  update against msgmerge --previous ...")
    measures = update_against_msgmerge(pristine, work, cli, env, logs, timeout)
    say("  status against potodo ...")
    measures += status_against_potodo(reading, cli, env, logs, timeout)
    say(f"  the writer against msgcat on a catalog of {big_entries} entries ...")
    measures += writer_against_msgcat(work / "cmp-writer", logs, env, timeout, big_entries)
    return measures


def main(argv: list[str]) -> int:
    from benchmarks import corpus  # noqa: PLC0415
    from benchmarks.workspace import REPO, cli, environment  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="catalog-tools-") as tmp:
        work = Path(tmp)
        if argv:
            pristine = Path(argv[0]).resolve()
        else:
            pristine = work / "corpus"
            print("generating 500 catalogs, 50,000 entries ...", flush=True)
            corpus.make_catalog_corpus(pristine)
        reading = work / "reading"
        shutil.copytree(pristine, reading)
        measures = comparisons(pristine, reading, work, cli, environment(REPO), work / "logs", None,
                               lambda line: print(line, flush=True))
        print(table(measures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
