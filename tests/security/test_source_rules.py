"""The Spanish source obeys the same rules as a translation: whatever it says, the pages carry no
script, the build fetches nothing, and the edition fails naming each problem at its source line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scripts.sphinxext.audit import audit_page
from tests.conftest import copy_root, run_cli
from tests.robustness import diagnostics, problems, status
from tests.security.conftest import Listener

pytestmark = pytest.mark.slow

HOSTILE_SOURCE = """

(hostil)=
## Sección hostil

<script>alert(1)</script>

Texto con <img src=x onerror=alert(2)> en línea y {{math}}`\\input{{/etc/hostname}}`.

```{{raw}} html
<script>alert(3)</script>
```

```{{eval-rst}}
.. raw:: latex

   \\input{{/etc/hostname}}

.. meta::
   :http-equiv=refresh: 0; url={remote}/phish

`enlace <javascript:alert(4)>`_

.. image:: {remote}/rst.png
```

![remota]({remote}/track.png)

![datos](data:image/png;base64,iVBORw0KGgo=)

![fuera](../../../../../../../../etc/hostname)

```{{math}}
\\write18{{touch /tmp/x}}
```
"""


def test_hostile_source_is_neutralised_and_reported(tmp_path: Path, remote_site: Listener) -> None:
    project = copy_root("basic", tmp_path / "basic")
    source = project.srcdir / "capitulo.md"
    source.write_text(source.read_text(encoding="utf-8") + HOSTILE_SOURCE.format(remote=remote_site.base),
                      encoding="utf-8")

    done = run_cli("build", "--lang", "es", "--formats", "html,epub", root=project.root)

    assert done.returncode == 1
    assert status(project, "es", "html") == "failed" and status(project, "es", "epub") == "failed"
    found = diagnostics(problems(project, "es"))
    codes = {d["code"] for d in found if d["path"] == "source/capitulo.md"}
    assert {"unsafe-html", "unsafe-directive", "unsafe-math", "unsafe-script", "unsafe-url", "unsafe-image",
            "unsafe-path"} <= codes, codes
    assert all(int(d["line"] or 0) > 0 for d in found if d["path"] == "source/capitulo.md")
    assert remote_site.connections == []
    assert not (project.sitedir / "es").exists()

    staged = project.builddir / "work" / "es"
    pages = [*staged.glob("html/*.html"), *staged.glob("epub/*.xhtml")]
    assert len(pages) >= 4
    for page in pages:
        text = page.read_text(encoding="utf-8")
        allowed = set(re.findall(r"&#x27;(sha256-[A-Za-z0-9+/=]+)&#x27;", text))
        assert audit_page(text, {f"'{h}'" for h in allowed}) == [], page
        assert 'http-equiv="refresh"' not in text
        assert f'src="{remote_site.base}' not in text
    assert not list(staged.rglob("hostname"))
