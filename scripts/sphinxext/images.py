"""SVG figures in the PDF: converted with rsvg-convert, which keeps text as text and vectors as
vectors (LaTeX cannot include SVG; Sphinx's own converter needs ImageMagick).

Sphinx's ImageConverter converts every image at every LaTeX build, even when one message
changed (an rsvg-convert run per figure, ~0.1 s each). A conversion is kept beside its output
instead: ``<output>.source`` records the SVG's SHA-256, the rsvg-convert program it was
converted with (its path, size and modification time, which an upgrade changes) and
SOURCE_DATE_EPOCH (cairo stamps it in the converted file); when all match, the output already
there is the conversion and rsvg-convert is not run again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.transforms.post_transforms.images import ImageConverter

from scripts.atomic import write_atomic


def conversion_key(source: Path) -> str:
    """What a conversion depends on: the SVG's bytes, the rsvg-convert that converts it, the date."""
    program = shutil.which("rsvg-convert") or ""
    info = os.stat(program) if program else None
    return json.dumps({"svg": hashlib.sha256(source.read_bytes()).hexdigest(), "rsvg-convert": program,
                       "program": [info.st_size, info.st_mtime_ns] if info else None,
                       "epoch": os.environ.get("SOURCE_DATE_EPOCH", "")}, sort_keys=True)


class RsvgConverter(ImageConverter):
    conversion_rules = [("image/svg+xml", "application/pdf")]
    default_priority = 200

    def is_available(self) -> bool:
        return shutil.which("rsvg-convert") is not None

    def convert(self, _from: str | os.PathLike[str], _to: str | os.PathLike[str]) -> bool:
        output = Path(_to)
        record = output.with_name(output.name + ".source")
        key = conversion_key(Path(_from))
        try:
            if output.is_file() and record.read_text(encoding="utf-8") == key:
                return True
        except OSError:
            pass
        record.unlink(missing_ok=True)  # a conversion that fails leaves no record of success
        done = subprocess.run(["rsvg-convert", "--format=pdf", f"--output={output}", str(_from)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise ExtensionError(f"rsvg-convert could not convert {_from}: {done.stderr.strip()}")
        write_atomic(record, key)
        return True


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_post_transform(RsvgConverter)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
