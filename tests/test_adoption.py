"""Adoption parameters: the schema, the sources' placeholders, `adopt new`/`adopt check` with their
lines, the catalog check, and real Sphinx builds of a small project (model blanks, adopted
values as text, variants, the generated guide table)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sphinx.cmd.build import build_main

from scripts import adopt_command, adoption, adoption_check
from scripts.__main__ import main
from scripts.project import Project

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "adoption"
SCHEMA = adoption.load_schema(REPO / "source" / adoption.SCHEMA_NAME)
TAGS = set(Project(REPO).registry().tags)
COMPLETE = (FIXTURES / "municipio.toml").read_text(encoding="utf-8")
SOURCES = sorted((REPO / "source").glob("*.md"))
# A bracketed text that is neither a link, a footnote, a JSON list nor inside a code fence.
BRACKET_RE = re.compile(r"(?<![!\]])\[(?![\^\"])([^\[\]\n]+)\](?![(:])")


def _without_fences(text: str) -> str:
    return re.sub(r"^```.*?^```", "", text, flags=re.DOTALL | re.MULTILINE)


# ----------------------------------------------------------------------------------------------
# Schema and sources

def test_schema_declares_meaning_in_both_languages_and_valid_names() -> None:
    assert len(SCHEMA.parameters) >= 30
    for name, param in SCHEMA.parameters.items():
        assert adoption.NAME_RE.match(name)
        assert param.meaning["es"] and param.meaning["en"], name
        if param.type == "choice":
            assert all(text.get("es") and text.get("en") for text in param.choices.values()), name


def test_no_bracket_placeholder_is_left_as_free_text_in_the_sources() -> None:
    left = [(path.name, m.group(0)) for path in SOURCES
            for m in BRACKET_RE.finditer(_without_fences(path.read_text(encoding="utf-8")))]
    assert left == []


def test_no_bracket_placeholder_is_left_in_the_translations() -> None:
    left = [(path.name, m.group(0)) for path in sorted((REPO / "locale").glob("*/LC_MESSAGES/*.po"))
            for m in BRACKET_RE.finditer(_without_fences(path.read_text(encoding="utf-8").split("\nmsgid", 1)[-1]))
            if "msgid" not in m.group(0)]
    assert left == []


def test_every_placeholder_is_declared_and_every_parameter_is_used() -> None:
    text = "\n".join(path.read_text(encoding="utf-8") for path in SOURCES)
    used = set(re.findall(r"\{param\}`([^`]+)`", text))
    varied = set(re.findall(r"^:::\{variante\} (\S+)", text, flags=re.MULTILINE))
    assert used - set(SCHEMA.parameters) == set()
    not_in_text = {n for n, p in SCHEMA.parameters.items() if p.type not in ("image", "languages")} - used - varied
    assert not_in_text == set()


def test_a_malformed_schema_is_reported_at_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "schema.toml"
    bad.write_text('[bueno]\ntype = "text"\nmeaning = { es = "a", en = "b" }\n\n[malo]\ntype = "colour"\n',
                   encoding="utf-8")
    with pytest.raises(adoption.PipelineError) as caught:
        adoption.load_schema(bad)
    assert [(d.code, d.line) for d in caught.value.diagnostics] == [("adoption-schema", 5)]


# ----------------------------------------------------------------------------------------------
# adopt new / adopt check

def _project(tmp_path: Path) -> Path:
    (tmp_path / "source").mkdir()
    (tmp_path / "locale").mkdir()
    shutil.copy(REPO / "conf.py", tmp_path / "conf.py")
    shutil.copy(REPO / "source" / adoption.SCHEMA_NAME, tmp_path / "source")
    shutil.copy(REPO / "locale" / "languages.toml", tmp_path / "locale")
    return tmp_path


def test_adopt_new_writes_every_parameter_and_check_names_each_empty_required_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path)
    assert main(["--root", str(root), "adopt", "new", "san-isidro"]) == 0
    written = root / "adopciones" / "san-isidro" / "adopcion.toml"
    text = written.read_text(encoding="utf-8")
    for name, param in SCHEMA.parameters.items():
        assert (f"\n{name} = " in text) != param.derived, name
    assert main(["--root", str(root), "adopt", "new", "san-isidro"]) == 1  # never overwrites
    capsys.readouterr()
    assert main(["--root", str(root), "adopt", "check"]) == 1  # every adoption by default
    assert "1 file(s)" in capsys.readouterr().out
    assert main(["--root", str(root), "adopt", "check", str(written)]) == 1
    err = capsys.readouterr().err
    lines = text.splitlines()
    for name, param in SCHEMA.parameters.items():
        if param.required:
            number = next(i for i, line in enumerate(lines, 1) if line.startswith(f"{name} = "))
            assert f"adopcion.toml:{number}: [adoption-missing] {name} " in err, name


def test_the_complete_fixture_passes(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "escudo.svg", tmp_path)
    path = tmp_path / "adopcion.toml"
    path.write_text(COMPLETE, encoding="utf-8")
    assert adoption_check.check_adoption(path, SCHEMA, TAGS) == []


def _replace(key: str, line: str) -> str:
    out = re.sub(rf"^{re.escape(key)}( |\.es)? = .*$", line, COMPLETE, count=1, flags=re.MULTILINE)
    assert out != COMPLETE
    return out


def _line_of(text: str, start: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(start))


BAD_CASES = {
    "unknown": (COMPLETE + 'dependencia-coordinadra = "x"\n', "adoption-unknown", 'dependencia-coordinadra'),
    "missing": (_replace("gobierno-nombre", 'gobierno-nombre = ""'), "adoption-missing", "gobierno-nombre"),
    "missing-when": (_replace("sesion-fecha", "# sin sesión"), "adoption-missing", None),
    "integer-as-text": (_replace("umbral-k", 'umbral-k = "cinco"') if "umbral-k" in COMPLETE
                        else COMPLETE + 'umbral-k = "cinco"\n', "adoption-type", "umbral-k"),
    "out-of-range": (COMPLETE + "umbral-k = 1\n", "adoption-type", "umbral-k"),
    "not-a-date": (_replace("instrumento-fecha", 'instrumento-fecha = "2027-02-30"'), "adoption-date",
                   "instrumento-fecha"),
    "not-a-day": (_replace("informe-anual-fecha", 'informe-anual-fecha = "31-03"'), "adoption-date",
                  "informe-anual-fecha"),
    "http-url": (_replace("portal-url", 'portal-url = "http://datos.example.mx"'), "adoption-type", "portal-url"),
    "bad-choice": (_replace("licencia-datos", 'licencia-datos = "cc-by-sa"'), "adoption-type", "licencia-datos"),
    "no-spanish": (_replace("idiomas", 'idiomas = ["en"]'), "adoption-type", "idiomas"),
    "bad-language": (_replace("idiomas", 'idiomas = ["es", "nah"]'), "adoption-type", "idiomas"),
    "override-language": (COMPLETE + 'dependencia-coordinadora.xx = "X"\n', None, None),
    "logo-missing": (_replace("logotipo", 'logotipo = "no-existe.png"'), "adoption-logo", "logotipo"),
    "logo-script": (_replace("logotipo", 'logotipo = "script.svg"'), "adoption-logo", "logotipo"),
    "logo-remote": (_replace("logotipo", 'logotipo = "remoto.svg"'), "adoption-logo", "logotipo"),
    "logo-outside": (_replace("logotipo", 'logotipo = "../escudo.svg"'), "adoption-logo", "logotipo"),
    "logo-not-png": (_replace("logotipo", 'logotipo = "falso.png"'), "adoption-logo", "logotipo"),
    "derived": (COMPLETE + "fase-1-inicio = 7\n", "adoption-unknown", "fase-1-inicio"),
    "instrument-kind": (COMPLETE + 'instrumento-tipo = "decreto"\n', "adoption-type", "instrumento-tipo"),
    "calendar": (_replace("plazo-plan-meses", "plazo-plan-meses = 4"), "adoption-calendar", "plazo-plan-meses"),
    "toml-syntax": (COMPLETE + 'gobierno-nombre = "sin cerrar\n', "adoption-unreadable", None),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_adopt_check_rejects_each_bad_file_at_its_line(case: str, tmp_path: Path) -> None:
    text, code, key = BAD_CASES[case]
    shutil.copy(FIXTURES / "escudo.svg", tmp_path)
    (tmp_path / "script.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    (tmp_path / "remoto.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" '
                                         'xmlns:xlink="http://www.w3.org/1999/xlink">'
                                         '<image xlink:href="https://example.com/x.png"/></svg>')
    (tmp_path / "falso.png").write_bytes(b"GIF89a not a png")
    path = tmp_path / "adopcion.toml"
    path.write_text(text, encoding="utf-8")
    if case == "toml-syntax":
        with pytest.raises(adoption.PipelineError):
            adoption.read_adoption(path)
    found = adoption_check.check_adoption(path, SCHEMA, TAGS)
    assert len(found) == 1, [str(d) for d in found]
    diagnostic = found[0]
    if case == "override-language":
        code, key = "adoption-override", "dependencia-coordinadora.xx"
    assert diagnostic.code == code
    assert diagnostic.hint
    if case == "missing-when":
        assert "sesion-fecha" in diagnostic.message and diagnostic.line == 0  # absent: no line to point at
    elif case == "toml-syntax":
        assert diagnostic.line == len(text.splitlines())
    else:
        assert diagnostic.line == _line_of(text, key), str(diagnostic)


def test_the_calendar_is_derived_from_the_deadlines() -> None:
    assert adoption_check.plan_months_needed(30, 90) == 7
    default = {n: p.default for n, p in SCHEMA.parameters.items() if n.startswith("plazo-")}
    assert default["plazo-plan-meses"] >= adoption_check.plan_months_needed(default["plazo-enlace-dias"],
                                                                      default["plazo-inventario-dias"])
    values = adoption.resolve(SCHEMA, adoption.Adoption(Path("x"), {"plazo-plan-meses": 9}, {}), "es", "es_MX")
    assert (values["fase-1-inicio"], values["hito-primeros-mes"], values["hito-enlaces-mes"]) == ("10", "12", "2")


def test_values_are_formatted_in_the_editions_language() -> None:
    fixture = adoption.Adoption(Path("x"), {"instrumento-fecha": "2027-01-15", "informe-anual-fecha": "03-31",
                                            "dependencia-coordinadora": {"es": "Dirección", "en": "Office"},
                                            "licencia-datos": "cc0-1.0"}, {})
    es = adoption.resolve(SCHEMA, fixture, "es", "es_MX")
    en = adoption.resolve(SCHEMA, fixture, "en", "en")
    nhe = adoption.resolve(SCHEMA, fixture, "nhe", "es_MX")
    assert (es["instrumento-fecha"], en["instrumento-fecha"]) == ("15 de enero de 2027", "January 15, 2027")
    assert (es["informe-anual-fecha"], en["informe-anual-fecha"]) == ("31 de marzo", "March 31")
    assert (en["dependencia-coordinadora"], nhe["dependencia-coordinadora"]) == ("Office", "Dirección")
    assert "CC0" in en["licencia-datos"] and "dominio público" in es["licencia-datos"]


# ----------------------------------------------------------------------------------------------
# Catalog check

@pytest.mark.parametrize(("msgstr", "codes"), [
    ("The {param}`gobierno-nombre` decides.", []),
    ("The {param}`government-name` decides.", ["param-unknown"]),
    ("The government decides.", ["param-missing"]),
    ("{param}`gobierno-nombre` and {param}`gobierno-nombre` decide.", ["param-added"]),
])
def test_check_placeholders(msgstr: str, codes: list[str]) -> None:
    found: list[str] = []
    adoption.check_placeholders("La {param}`gobierno-nombre` decide.", msgstr, 7,
                                lambda line, code, what, how: found.append(code), REPO)
    assert found == codes


# ----------------------------------------------------------------------------------------------
# Real Sphinx builds of a small project

PAGE = """\
# Prueba

La {param}`dependencia-coordinadora` de {param}`gobierno-nombre` publica el informe el {param}`informe-anual-fecha`.

| Campo | Valor |
|---|---|
| Título | {blank}`título del conjunto de datos` |

:::{variante} gobierno-tipo municipio
TEXTO-MUNICIPAL del Ayuntamiento de {param}`gobierno-nombre`, sesión del {param}`sesion-fecha`.
:::

:::{variante} gobierno-tipo estado
TEXTO-ESTATAL del Estado de {param}`estado-nombre`.
:::

:::{parametros-tabla}
:::
"""
HOSTILE = '<script>alert(1)</script> {param}`x` **negrita** \\textbf{y} $x$ [e](javascript:alert(1))'


def _sphinx_project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "source").mkdir(parents=True)
    (root / "locale").mkdir()
    shutil.copy(REPO / "locale" / "languages.toml", root / "locale")
    shutil.copy(REPO / "source" / adoption.SCHEMA_NAME, root / "source")
    shutil.copy(FIXTURES / "escudo.svg", root)
    (root / "source" / "index.md").write_text(PAGE, encoding="utf-8")
    # The parameters module on its own: its config-inited step is connected here, as the full
    # extension does in its one ordered list (scripts/sphinxext/__init__.py, CONFIGURATION).
    (root / "conf.py").write_text('extensions = ["myst_parser", "scripts.sphinxext.parameters"]\n'
                                  'myst_enable_extensions = ["colon_fence"]\nlanguage = "es"\n'
                                  "def setup(app):\n"
                                  "    from scripts.sphinxext.parameters import load_parameters\n"
                                  "    app.connect('config-inited', load_parameters, priority=400)\n",
                                  encoding="utf-8")
    hostile = re.sub(r"^gobierno-nombre = .*$", lambda _: "gobierno-nombre = '''" + HOSTILE + "'''", COMPLETE,
                     flags=re.MULTILINE)
    (root / "adopcion.toml").write_text(hostile, encoding="utf-8")
    return root


def _build(root: Path, builder: str, out: str, *options: str) -> str:
    status = build_main(["-q", "-E", "-W", "-b", builder, "-c", str(root), *options,
                         str(root / "source"), str(root / out)])
    assert status == 0
    name = "index.html" if builder == "html" else ("index.pot" if builder == "gettext" else "python.tex")
    found = next((root / out).glob(name if builder != "latex" else "*.tex"))
    return found.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = _sphinx_project(tmp_path_factory.mktemp("sphinx"))
    adopted = f"policy_adoption={root / 'adopcion.toml'}"
    return {
        "model": _build(root, "html", "model"),
        "model-en": _build(root, "html", "model-en", "-D", "language=en"),
        "html": _build(root, "html", "html", "-D", adopted),
        "html-en": _build(root, "html", "html-en", "-D", adopted, "-D", "language=en"),
        "latex": _build(root, "latex", "latex", "-D", adopted),
        "pot": _build(root, "gettext", "pot"),
    }


def test_the_model_shows_labelled_blanks_and_every_variant(built: dict[str, str]) -> None:
    model = built["model"]
    assert '<span class="policy-param">[nombre del estado o municipio]</span>' in model
    assert '<span class="policy-blank">título del conjunto de datos</span>' in model
    assert "TEXTO-MUNICIPAL" in model and "TEXTO-ESTATAL" in model
    assert "Tipo de gobierno: municipio" in model
    assert "[name of the state or municipality]" in built["model-en"]
    assert "Kind of government: state" in built["model-en"]


def test_an_adoption_shows_its_values_as_text_and_only_its_variants(built: dict[str, str]) -> None:
    html = built["html"]
    assert 'class="policy-param"' not in html and "{param}" not in html.replace("{param}`x`", "")
    assert "TEXTO-MUNICIPAL" in html and "TEXTO-ESTATAL" not in html
    assert "Dirección de Gobierno Digital" in html and "31 de marzo" in html
    assert "Digital Government Office" in built["html-en"] and "March 31" in built["html-en"]
    assert "Tipo de gobierno" not in html  # variant labels are the model's only


def test_a_hostile_value_is_published_as_text(built: dict[str, str]) -> None:
    html = built["html"]
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {param}`x` **negrita** \\textbf{y} $x$" in html
    assert "<strong>negrita" not in html and 'href="javascript' not in html
    latex = built["latex"]
    assert r"\textless{}script\textgreater{}" in latex
    assert r"\textbackslash{}textbf\{y\}" in latex and r"\$x\$" in latex
    assert r"\DUrole{policy-blank}{título del conjunto de datos}" in latex


def test_a_state_adoption_builds_without_the_municipal_values(tmp_path: Path) -> None:
    root = _sphinx_project(tmp_path)
    state = re.sub(r"^sesion-(tipo|fecha) = .*\n", "", COMPLETE, flags=re.MULTILINE)
    state = state.replace('gobierno-tipo = "municipio"', 'gobierno-tipo = "estado"').replace('"cc0-1.0"', '"cc-by-4.0"')
    (root / "estado.toml").write_text(state, encoding="utf-8")
    html = _build(root, "html", "estado", "-D", f"policy_adoption={root / 'estado.toml'}")  # -W: no warning
    assert "TEXTO-ESTATAL del Estado de Estado Ficticio" in html and "TEXTO-MUNICIPAL" not in html


def test_gettext_extracts_every_variant_and_no_value(built: dict[str, str]) -> None:
    pot = built["pot"]
    assert "TEXTO-MUNICIPAL del Ayuntamiento de {param}`gobierno-nombre`, sesión del {param}`sesion-fecha`." in pot
    assert "TEXTO-ESTATAL del Estado de {param}`estado-nombre`." in pot
    assert "San Isidro" not in pot and "Tipo de gobierno" not in pot


def test_the_guide_table_is_generated_from_the_schema(built: dict[str, str]) -> None:
    for name, param in SCHEMA.parameters.items():
        assert f'<span class="pre">{name}</span>' in built["model"], name
        assert param.meaning["en"] in built["model-en"].replace("&amp;", "&"), name


def test_the_readme_table_is_the_generated_one() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- parametros:", 1)[1].split("-->", 1)[1].split("<!-- /parametros -->", 1)[0]
    assert block.strip() == adopt_command.markdown_table(SCHEMA).strip(), "run `python -m scripts adopt table`"
