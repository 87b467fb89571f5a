"""The build: every registered language x every output format (scripts.formats).

One module per job: `fingerprint` (when an edition needs building, and the state of the last
build), `replace` (outputs put in place only when complete), `matrixview` (the live view),
`worker` (one language's editions in one process), `produce` (one function per format),
`orchestrator` (the matrix of workers), `results` (what a build reports), `command` (the CLI).
"""

from scripts.build.command import COMMANDS
from scripts.build.orchestrator import build_matrix
from scripts.build.results import BuildOptions, EditionResult, FormatResult, summarize

__all__ = ["COMMANDS", "BuildOptions", "EditionResult", "FormatResult", "build_matrix", "summarize"]
