"""The build matrix: every registered language x every output format (scripts.formats).

`python -m scripts build` (scripts/build.py) runs it. One module per job: `fingerprint` (when an
edition needs building, and the state of the last build), `replace` (outputs put in place only
when complete), `matrixview` (the live view), `worker` (one language's editions in one process),
`produce` (one function per format), `orchestrator` (the matrix of workers), `results` (what a
build reports). The package is not called `build`: tools skip directories of that name (ruff's
defaults, the project's own `extend-exclude`, copies that leave out build outputs).
"""

from scripts.matrix.orchestrator import build_matrix
from scripts.matrix.results import BuildOptions, EditionResult, FormatResult, summarize

__all__ = ["BuildOptions", "EditionResult", "FormatResult", "build_matrix", "summarize"]
