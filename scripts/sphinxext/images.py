"""SVG figures in the PDF: converted with rsvg-convert, which keeps text as text and vectors as
vectors (LaTeX cannot include SVG; Sphinx's own converter needs ImageMagick)."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.transforms.post_transforms.images import ImageConverter


class RsvgConverter(ImageConverter):
    conversion_rules = [("image/svg+xml", "application/pdf")]
    default_priority = 200

    def is_available(self) -> bool:
        return shutil.which("rsvg-convert") is not None

    def convert(self, _from: str | os.PathLike[str], _to: str | os.PathLike[str]) -> bool:
        done = subprocess.run(["rsvg-convert", "--format=pdf", f"--output={_to}", str(_from)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise ExtensionError(f"rsvg-convert could not convert {_from}: {done.stderr.strip()}")
        return True


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_post_transform(RsvgConverter)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
