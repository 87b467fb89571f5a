"""The language registry: what it accepts, what it refuses, and how it says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.diagnostics import PipelineError
from scripts.languages import check_tag, load_registry, parse_registry, render_entry
from scripts.project import Project

REPO = Path(__file__).resolve().parent.parent

SPANISH = """
[[language]]
tag = "es"
autonym = "Español"
name_es = "Español"
name_en = "Spanish"
latex_language = "es"
apostrophe = "none"
source = true
"""


def entry(tag: str, **extra: str) -> str:
    fields = {"tag": tag, "autonym": "A", "name_es": "B", "name_en": "C", "latex_language": "es",
              "apostrophe": "none", **extra}
    return "\n[[language]]\n" + "\n".join(
        f"{k} = {v}" if v in ("true", "false") else f'{k} = "{v}"' for k, v in fields.items()) + "\n"


def problems(text: str) -> list[str]:
    with pytest.raises(PipelineError) as caught:
        parse_registry(text, Path("locale/languages.toml"))
    return [str(d) for d in caught.value.diagnostics]


def test_the_repository_registry_has_the_five_editions() -> None:
    registry = load_registry(Project(REPO).registry_path)
    assert registry.tags == ["es", "en", "nhe", "yua", "tzo"]
    assert registry.source.tag == "es"
    for tag in ("nhe", "yua", "tzo"):
        lang = registry.get(tag)
        assert lang.indigenous and lang.interface_fallback == "es"
        assert lang.inali_agrupacion and lang.inali_variante
        assert lang.latex_language == "es"
    assert registry.get("tzo").apostrophe_char == "\u2019"
    assert registry.get("yua").apostrophe_char == "'"


@pytest.mark.parametrize("code", ["nah", "oto", "zap", "myn", "mul"])
def test_collection_codes_are_refused_with_individual_alternatives(code: str) -> None:
    found = problems(SPANISH + entry(code))
    assert len(found) == 1
    assert found[0].startswith("locale/languages.toml:")
    assert "[registry-bad-tag]" in found[0]
    assert "not one language" in found[0] or "names no language" in found[0]
    assert "ISO 639-3" in found[0] or "one edition per language" in found[0]


def test_nah_suggests_nahuatl_varieties() -> None:
    why = check_tag("nah")
    assert why is not None and "nhe" in why and "azz" in why


@pytest.mark.parametrize("tag", ["yua", "tzo", "nhe", "es", "en", "es-MX", "zai"])
def test_individual_codes_are_accepted(tag: str) -> None:
    assert check_tag(tag) is None


@pytest.mark.parametrize("tag", ["YUA", "maya", "e", "es_MX", ""])
def test_malformed_tags_are_refused(tag: str) -> None:
    assert check_tag(tag) is not None


def test_unknown_key_points_at_its_line() -> None:
    text = SPANISH + entry("yua") + 'colour = "blue"\n'
    found = problems(text)
    line = text.splitlines().index('colour = "blue"') + 1
    assert found == [f"locale/languages.toml:{line}: [registry-unknown-key] unknown key 'colour' in a "
                     f"[[language]] entry — known keys: " + found[0].split("known keys: ")[1]]


def test_duplicate_tag_names_both_lines() -> None:
    found = problems(SPANISH + entry("yua") + entry("yua"))
    assert len(found) == 1 and "[registry-duplicate-tag]" in found[0] and "line" in found[0]


def test_indigenous_language_needs_inali_fields() -> None:
    found = problems(SPANISH + entry("yua", indigenous="true", interface_fallback="es"))
    assert any("[registry-missing-inali]" in p for p in found)


def test_indigenous_edition_never_falls_back_to_english() -> None:
    text = SPANISH + entry("en") + entry("yua", indigenous="true", interface_fallback="en",
                                         inali_agrupacion="maya", inali_variante="maya")
    found = problems(text)
    assert any("[registry-bad-fallback]" in p and "English" in p for p in found)


def test_exactly_one_source_language() -> None:
    found = problems(entry("es") + entry("en"))
    assert any("[registry-source]" in p for p in found)


def test_missing_required_key() -> None:
    found = problems(SPANISH + '\n[[language]]\ntag = "yua"\n')
    assert any("[registry-missing-key]" in p and "autonym" in p for p in found)


def test_bad_apostrophe_policy() -> None:
    found = problems(SPANISH + entry("yua", apostrophe="U+0060"))
    assert any("[registry-bad-apostrophe]" in p for p in found)


def test_truncated_registry_reports_syntax_with_line(tmp_path: Path) -> None:
    path = tmp_path / "languages.toml"
    path.write_text(SPANISH + '\n[[language]]\ntag = "yua', encoding="utf-8")
    with pytest.raises(PipelineError) as caught:
        load_registry(path)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "registry-syntax" and diagnostic.line > 0
    assert "git checkout" in diagnostic.hint


def test_invalid_utf8_registry(tmp_path: Path) -> None:
    path = tmp_path / "languages.toml"
    path.write_bytes(SPANISH.encode() + b'\n# \xff\xfe broken\n')
    with pytest.raises(PipelineError) as caught:
        load_registry(path)
    assert caught.value.diagnostics[0].code == "registry-encoding"


def test_missing_registry(tmp_path: Path) -> None:
    with pytest.raises(PipelineError) as caught:
        load_registry(tmp_path / "nope.toml")
    assert caught.value.diagnostics[0].code == "registry-missing"


def test_unknown_language_lookup_names_the_registered_ones() -> None:
    registry = parse_registry(SPANISH + entry("yua"), Path("languages.toml"))
    with pytest.raises(PipelineError) as caught:
        registry.get("tzo")
    message = str(caught.value)
    assert "[registry-unknown-language]" in message and "es, yua" in message and "add-language tzo" in message


def test_rendered_entry_round_trips() -> None:
    values = {"tag": "tzh", "autonym": "Batz'il K'op", "name_es": "Tseltal", "name_en": "Tseltal",
              "latex_language": "es", "apostrophe": "U+0027", "indigenous": True, "interface_fallback": "es",
              "inali_agrupacion": "tseltal", "inali_variante": "tseltal del norte", "verified": False}
    registry = parse_registry(SPANISH + "\n" + render_entry(values), Path("languages.toml"))
    assert registry.get("tzh").autonym == "Batz'il K'op"
    assert registry.get("tzh").verified is False


# ---------------------------------------------------------------- bilingual and draft threshold (issue 16)

MAYA = {"indigenous": "true", "interface_fallback": "es", "inali_agrupacion": "maya", "inali_variante": "maya"}


def test_bilingual_is_on_for_indigenous_languages_and_off_otherwise() -> None:
    registry = parse_registry(SPANISH + entry("en") + entry("yua", **MAYA), Path("languages.toml"))
    assert [lang.bilingual for lang in registry.languages] == [False, False, True]
    assert all(lang.draft_below == 50 for lang in registry.languages)


def test_bilingual_and_draft_threshold_can_be_set() -> None:
    text = SPANISH + entry("en", bilingual="true") + "draft_below = 0\n" + entry("yua", bilingual="false", **MAYA)
    registry = parse_registry(text, Path("languages.toml"))
    en, yua = registry.get("en"), registry.get("yua")
    assert (en.bilingual, en.draft_below, yua.bilingual) == (True, 0, False)
    assert not en.is_draft(0) and yua.is_draft(49) and not yua.is_draft(50)
    assert not registry.source.is_draft(0)


@pytest.mark.parametrize(("line", "says"), [
    ("draft_below = 120", "draft_below must be a whole percentage"),
    ('draft_below = "half"', "draft_below must be a whole percentage"),
    ('bilingual = "yes"', "bilingual must be true or false"),
])
def test_bad_bilingual_or_threshold_points_at_its_line(line: str, says: str) -> None:
    text = SPANISH + entry("yua", **MAYA) + line + "\n"
    found = problems(text)
    number = text.splitlines().index(line) + 1
    assert len(found) == 1
    assert found[0].startswith(f"locale/languages.toml:{number}: [registry-bad-value] yua: {says}")


def test_the_source_language_is_never_bilingual() -> None:
    found = problems(SPANISH.replace("source = true", "source = true\nbilingual = true"))
    assert len(found) == 1 and "[registry-bad-value]" in found[0]
