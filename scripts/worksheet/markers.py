"""MyST markup as numbered markers: ``⟦1⟧visible words⟦/1⟧`` around text, ``⟦2⟧`` alone for markup
with no words to translate (a footnote reference, inline code, a bare cross-reference).

A translator working in a spreadsheet must never type ``{term}`x <y>``` or ``[^ley]``: the
worksheet shows markers instead, and import puts back exactly the markup of the source. Why not
markdown-it (which MyST itself uses): its inline tokens carry no source offsets, so the markup
could not be restored byte for byte; the scanner below works on the source text and recognises
the inline constructs that occur in the policy's msgids (roles, code, links, images, autolinks,
footnote references, substitutions, strong and emphasis with ``*``, inline HTML tags).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

OPEN, CLOSE = "\u27e6", "\u27e7"  # ⟦ ⟧: in no orthography, and not typed by accident
MARKER_RE = re.compile(f"{OPEN}(/?)(\\d+){CLOSE}")

# Roles whose visible text a reader sees and a translator translates: {term}`text <target>`.
_TITLED_ROLES = frozenset({"ref", "term", "doc", "numref", "download", "any", "abbr"})

_TOKEN_RE = re.compile(
    r"(?P<escape>\\[!-/:-@\[-`{-~])"
    r"|(?P<role>\{(?P<role_name>[A-Za-z][\w.+:-]*)\}(?P<role_ticks>`+)(?P<role_body>.+?)(?<!`)(?P=role_ticks)(?!`))"
    r"|(?P<code>(?P<code_ticks>`+)(?!`).+?(?<!`)(?P=code_ticks)(?!`))"
    r"|(?P<subst>\{\{[^{}]*\}\})"
    r"|(?P<footnote>\[\^[^\]\s]+\])"
    r"|(?P<image>!\[(?P<image_text>[^\[\]]*)\](?P<image_tail>\([^()\s]*(?:\s+\"[^\"]*\")?\)))"
    r"|(?P<link>\[(?P<link_text>(?:[^\[\]]|\[[^\[\]]*\])*)\](?P<link_tail>\([^()\s]*(?:\s+\"[^\"]*\")?\)))"
    r"|(?P<autolink><(?:https?|ftp|mailto):[^>\s]+>)"
    r"|(?P<html></?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>)"
    r"|(?P<strong>\*\*(?=\S)(?P<strong_text>.+?)(?<=\S)\*\*)"
    r"|(?P<em>(?<![\w*])\*(?=[^\s*])(?P<em_text>[^*]+?)(?<=[^\s*])\*(?![\w*]))",
    re.DOTALL,
)


class MarkerError(ValueError):
    """A translation whose markers cannot be turned back into the source's markup."""


@dataclass(frozen=True)
class Markup:
    """One piece of the source's markup: `opening` + translated words + `closing`, or `whole`."""

    number: int
    kind: str          # role, code, link, image, footnote, subst, autolink, html, strong, em
    key: str           # what identifies it across languages: target, URL, label, code...
    whole: str = ""    # the markup itself, for atomic markers
    opening: str = ""  # for paired markers
    closing: str = ""
    literal: bool = False  # paired, but its words are literal text (a role's title): no markers inside
    term: str = ""         # {term}`término` with no title: a translated title needs <término>

    @property
    def paired(self) -> bool:
        return not self.whole

    def describe(self) -> str:
        shown = self.whole or f"{self.opening}…{self.closing}"
        return f"{OPEN}{self.number}{CLOSE} ({shown})"


@dataclass
class Marked:
    """A msgid shown with markers, and what each marker stands for."""

    text: str
    markup: dict[int, Markup] = field(default_factory=dict)


@dataclass
class _Node:
    markup: Markup | None
    children: list[str | _Node] = field(default_factory=list)


def _role(match: re.Match[str], number: int) -> tuple[Markup, str | None]:
    name, ticks, body = match.group("role_name"), match.group("role_ticks"), match.group("role_body")
    head = f"{{{name}}}{ticks}"
    titled = re.fullmatch(r"(?s)(.*?\S)\s*<([^<>]+)>", body)
    if name in _TITLED_ROLES and titled:
        text, target = titled.group(1), titled.group(2)
        gap = body[len(text):body.rindex("<")]
        return Markup(number, "role", f"{name}:{target}", opening=head,
                      closing=f"{gap}<{target}>{ticks}", literal=True), text
    if name == "term":  # the term itself is the visible text; a translation adds <term>
        return Markup(number, "role", f"{name}:{body}", opening=head, closing=ticks, literal=True, term=body), body
    return Markup(number, "bare-role", f"{name}:{body}", whole=match.group(0)), None


def _scan(text: str, counter: list[int], table: dict[int, Markup]) -> Iterator[str | _Node]:
    """The text as plain strings and markup nodes (numbered in reading order)."""
    position = 0
    for match in _TOKEN_RE.finditer(text):
        kind = next(k for k in _KINDS if match.group(k) is not None)
        if kind == "escape":
            continue
        if match.start() > position:
            yield text[position:match.start()]
        position = match.end()
        counter[0] += 1
        number = counter[0]
        inner: str | None = None
        nested = False
        if kind == "role":
            markup, inner = _role(match, number)
        elif kind == "link":
            markup = Markup(number, kind, match.group("link_tail"), opening="[", closing="]" + match.group("link_tail"))
            inner, nested = match.group("link_text"), True
        elif kind == "image":
            markup = Markup(number, kind, match.group("image_tail"), opening="![",
                            closing="]" + match.group("image_tail"), literal=True)
            inner = match.group("image_text")
        elif kind in ("strong", "em"):
            delimiter = "**" if kind == "strong" else "*"
            markup = Markup(number, kind, kind, opening=delimiter, closing=delimiter)
            inner, nested = match.group(f"{kind}_text"), True
        else:
            markup = Markup(number, kind, match.group(0), whole=match.group(0))
        table[number] = markup
        node = _Node(markup)
        if inner is not None:
            node.children = list(_scan(inner, counter, table)) if nested else [inner]
        yield node
    if position < len(text):
        yield text[position:]


_KINDS = ("escape", "role", "code", "subst", "footnote", "image", "link", "autolink", "html", "strong", "em")


def _render(nodes: list[str | _Node], plain: bool = False, prose: bool = False) -> str:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
            continue
        assert node.markup is not None
        number = node.markup.number
        if prose and (node.markup.kind == "code" or node.markup.key.partition(":")[0] in _NOT_PROSE_ROLES):
            out.append(" ")
            continue
        if node.markup.paired:
            inside = _render(node.children, plain, prose)
            out.append(inside if plain else f"{OPEN}{number}{CLOSE}{inside}{OPEN}/{number}{CLOSE}")
        elif plain:
            kind = node.markup.kind
            whole = node.markup.whole
            out.append(whole.strip("`") if kind == "code" else whole[1:-1] if kind == "autolink"
                       else _role_words(node.markup) if kind == "bare-role" else "")
        else:
            out.append(f"{OPEN}{number}{CLOSE}")
    return "".join(out)


def prose(text: str) -> str:
    """The running words of a text: like plain(), without inline code and without adoption
    placeholders ({param}, {blank}), which show code or a government's value, not this text's words."""
    return _render(_parse(text)[0], plain=True, prose=True)


_NOT_PROSE_ROLES = frozenset({"param", "blank"})


def _role_words(markup: Markup) -> str:
    """What a reader sees of a role without a title: its content, unless it names a target."""
    name, _, body = markup.key.partition(":")
    return "" if name in _TITLED_ROLES else plain(body)


def _parse(text: str) -> tuple[list[str | _Node], dict[int, Markup]]:
    table: dict[int, Markup] = {}
    return list(_scan(text, [0], table)), table


def to_markers(msgid: str) -> Marked:
    """The msgid as a translator sees it in a worksheet."""
    nodes, table = _parse(msgid)
    return Marked(_render(nodes), table)


def plain(text: str) -> str:
    """The words a reader sees, without markup (for headings and section names)."""
    return _render(_parse(text)[0], plain=True)


def like_source(translation: str, marked: Marked) -> str:
    """A translation (English reference, or the current one) with the source's marker numbers.

    Each piece of its markup takes the number of the source's piece with the same key (role
    target, URL, label, code). When a piece has no counterpart the text is shown without markup,
    so no marker ever appears that the source does not have.
    """
    nodes, table = _parse(translation)
    by_key: dict[tuple[str, str], list[int]] = {}
    for markup in marked.markup.values():
        by_key.setdefault((markup.kind, markup.key), []).append(markup.number)
    renumbered: dict[int, Markup] = {}
    for number in sorted(table):
        markup = table[number]
        candidates = by_key.get((markup.kind, markup.key))
        if not candidates:
            return _render(nodes, plain=True)
        renumbered[number] = marked.markup[candidates.pop(0)]

    def swap(items: list[str | _Node]) -> list[str | _Node]:
        return [item if isinstance(item, str) or item.markup is None
                else _Node(renumbered[item.markup.number], swap(item.children)) for item in items]

    return _render(swap(nodes))


def from_markers(text: str, marked: Marked) -> str:
    """The translation with every marker replaced by the source's markup.

    Raises MarkerError (saying which marker and what to do) when a marker is missing, repeated,
    unknown, closed before it opens, or overlaps another.
    """
    table = marked.markup
    seen_open: set[int] = set()
    seen_close: set[int] = set()
    stack: list[tuple[Markup, list[str]]] = []
    out: list[str] = []
    position = 0
    for match in MARKER_RE.finditer(text):
        out.append(text[position:match.start()])
        position = match.end()
        closing, number = bool(match.group(1)), int(match.group(2))
        markup = table.get(number)
        if markup is None:
            raise MarkerError(f"marker {match.group(0)} is not in the Spanish text; delete it")
        if closing:
            if not markup.paired:
                raise MarkerError(f"{OPEN}{number}{CLOSE} stands alone; {match.group(0)} does not exist — delete it")
            if number in seen_close:
                raise MarkerError(f"{match.group(0)} appears twice; keep one")
            if not stack or stack[-1][0].number != number:
                if number not in seen_open:
                    raise MarkerError(f"{match.group(0)} comes before {OPEN}{number}{CLOSE}; put the words "
                                      f"between {OPEN}{number}{CLOSE} and {match.group(0)}")
                inner = stack[-1][0].number
                raise MarkerError(f"markers {number} and {inner} overlap: close {OPEN}/{inner}{CLOSE} "
                                  f"before {match.group(0)}")
            seen_close.add(number)
            _, before = stack.pop()
            words = "".join(out)
            out = before
            out.append(_wrap(markup, words))
            continue
        if number in seen_open:
            raise MarkerError(f"{match.group(0)} appears twice; keep one")
        seen_open.add(number)
        if stack and stack[-1][0].literal:
            outer = stack[-1][0].number
            raise MarkerError(f"{match.group(0)} is inside {OPEN}{outer}{CLOSE}…{OPEN}/{outer}{CLOSE}, whose words "
                              "cannot hold other markup; move it outside")
        if markup.paired:
            stack.append((markup, out))
            out = []
        else:
            out.append(markup.whole)
    if stack:
        number = stack[-1][0].number
        raise MarkerError(f"{OPEN}{number}{CLOSE} is never closed; add {OPEN}/{number}{CLOSE} after its words")
    out.append(text[position:])
    missing = [m for n, m in sorted(table.items()) if n not in seen_open]
    if missing:
        raise MarkerError(f"marker {missing[0].describe()} is missing; copy it from the Spanish text "
                          "to the place where it belongs in your translation")
    stray = [c for c in (OPEN, CLOSE) if c in "".join(out)]
    if stray:
        raise MarkerError(f"a broken marker ({stray[0]}); markers are written {OPEN}1{CLOSE} and "
                          f"{OPEN}/1{CLOSE}: copy them from the Spanish text")
    return "".join(out)


def _wrap(markup: Markup, words: str) -> str:
    if markup.term and words != markup.term:
        return f"{markup.opening}{words} <{markup.term}>{markup.closing}"
    return f"{markup.opening}{words}{markup.closing}"
