"""Less work per translated message, in the build's worker processes only.

Profiling a translated edition's read (make bench's phase breakdown) shows ~90% of it in Sphinx's
i18n Locale transform, which parses every msgstr on its own with MyST; per message, MyST
(myst-parser 5.x) does two costly things whose result does not depend on the message:

- ``SphinxRenderer.setup_render`` evaluates ``options.get("document", make_document())``: the
  default is computed eagerly, so every message builds a throwaway docutils document with a
  full set of default settings (docutils' OptionParser: ~70 options per component), then drops
  it. The settings are now built once per parser class and copied;
- ``MystParser.parse`` builds a new markdown-it parser, with every plugin, for every message. A
  parser (and its renderer) is now reused for the next message with the same configuration
  object once it has finished rendering; a parse started while another is still rendering (a
  nested one) gets a fresh parser, as before, so no renderer state is ever shared.

And one in Sphinx's LaTeX writer (Sphinx 9): ``LaTeXTranslator.render`` makes a new
``LaTeXRenderer`` (a new Jinja environment) for every table, so each table's template is parsed
and compiled again (~35 times per edition, a quarter of the LaTeX write). The renderer is now
made once per process for each set of arguments; Jinja's own cache then keeps the compiled
template (and reloads it if the file changes).

And two in Sphinx's table-of-contents collector: after every read, even one that read nothing,
``TocTreeCollector.get_updated_docs`` numbers every section and figure again, unpickling every
doctree (~0.2-0.4 s per builder). The worker runs four builders on one read; the ones that read
nothing keep the numbers stored in the environment with the last read, so the renumbering is
skipped when the read found no document added, changed or removed (no page is read by every
builder: scripts/sphinxext/adopted.EditionTocTree). When it does run, the figure numbering gets
the doctrees from a per-process store keyed by the pickled bytes' digest: a doctree is unpickled
again only when its pickle changed. And the builder that asks for a document next (the LaTeX
builder inlines all of them into one) gets the doctree the numbering unpickled, once, instead of
unpickling the same bytes again (0.18 s per edition).

And one in Sphinx's HTML templates: every builder of every worker compiles its Jinja templates
again (furo's page, base and the rest: 36 templates, ~0.2 s of an EPUB and a site written after
one changed message). Jinja has the tool for this, a bytecode cache, and Sphinx does not set
one. Jinja keys a template's compiled code by its name, file and source only, not by what the
environment compiles it with (delimiters, whitespace settings, the i18n extension's style, the
extensions -- a preprocessor changes the source it compiles, as scripts/sphinxext/interface.py's
does) nor by Jinja's own version; so the cache lives in ``build/cache/jinja/<key>/``, the key a
digest of those settings, of each extension's module file, of Jinja's and Python's versions.

All keep the outputs byte for byte (tests/test_release.py and the bench compare them). They
are installed by the worker (scripts.matrix.worker.run_sphinx) before it runs Sphinx in its own
process; a SPHINXBUILD run, or a plain sphinx-build, is left exactly as MyST ships it. There is no
setting in MyST or Sphinx for either, hence this module.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import pickle
import sys
import weakref
from pathlib import Path
from typing import Any

_INSTALLED = False
_LATEX_INSTALLED = False
_POOL_SIZE = 4


def install(builder: str = "", cache_dir: Path | None = None) -> None:
    """Patch MyST and Sphinx in this process (idempotent); a part whose module's layout is not
    the expected one is left alone. The LaTeX writer's part only for the LaTeX builder (its
    module takes 0.15 s to import, which an HTML-only build does not need); the templates' cache
    when `cache_dir` (the build's own, build/cache) is given."""
    global _INSTALLED, _LATEX_INSTALLED  # noqa: PLW0603 - one installation per process
    if builder == "latex" and not _LATEX_INSTALLED:
        _LATEX_INSTALLED = True
        _reuse_latex_renderer()
    if _INSTALLED:
        return
    _INSTALLED = True
    if cache_dir is not None:
        _cache_compiled_templates(cache_dir / "jinja")
    _number_only_after_a_read()
    _share_doctrees_for_figure_numbers()
    try:
        from docutils.frontend import get_default_settings  # noqa: PLC0415
        from docutils.utils import new_document  # noqa: PLC0415
        from myst_parser.mdit_to_docutils import base  # noqa: PLC0415
        from myst_parser.parsers import sphinx_  # noqa: PLC0415
    except ImportError:
        return
    if not callable(getattr(base, "make_document", None)) or not callable(getattr(sphinx_, "create_md_parser", None)):
        return

    settings_by_parser: dict[Any, Any] = {}
    rst_parser = base.make_document.__defaults__[1] if base.make_document.__defaults__ else None

    def make_document(source_path: str = "notset", parser_cls: Any = rst_parser) -> Any:
        settings = settings_by_parser.get(parser_cls)
        if settings is None:
            settings = settings_by_parser[parser_cls] = get_default_settings(parser_cls)
        return new_document(source_path, settings=copy.copy(settings))

    original_create = sphinx_.create_md_parser
    idle: list[tuple[Any, Any, Any]] = []  # (config, renderer class, parser) not rendering now

    def create_md_parser(config: Any, renderer: Any) -> Any:
        for index, (cfg, cls, parser) in enumerate(idle):
            if cfg is config and cls is renderer:
                del idle[index]
                return parser
        parser = original_create(config, renderer)
        render = parser.render

        def render_then_release(*args: Any, **kwargs: Any) -> Any:
            try:
                return render(*args, **kwargs)
            finally:
                parser.options.pop("document", None)
                idle.insert(0, (config, renderer, parser))
                del idle[_POOL_SIZE:]

        parser.render = render_then_release  # type: ignore[method-assign]
        return parser

    base.make_document = make_document
    sphinx_.create_md_parser = create_md_parser


def _reuse_latex_renderer() -> None:
    try:
        from sphinx.writers import latex as latex_writer  # noqa: PLC0415
    except ImportError:
        return
    original = getattr(latex_writer, "LaTeXRenderer", None)
    if original is None:
        return
    made: dict[tuple[Any, ...], Any] = {}

    def renderer(template_path: Any = None, latex_engine: str | None = None) -> Any:
        key = (tuple(str(p) for p in template_path) if template_path is not None else None, latex_engine)
        if key not in made:
            made[key] = original(template_path, latex_engine)
        return made[key]

    latex_writer.LaTeXRenderer = renderer  # type: ignore[misc,assignment]


def _number_only_after_a_read() -> None:
    try:
        from sphinx.builders import Builder  # noqa: PLC0415
        from sphinx.environment.collectors.toctree import TocTreeCollector  # noqa: PLC0415
    except ImportError:
        return
    original_read, original_updated = getattr(Builder, "read", None), getattr(TocTreeCollector, "get_updated_docs", None)
    if not callable(original_read) or not callable(original_updated):
        return
    unchanged: weakref.WeakSet[Any] = weakref.WeakSet()  # environments whose last read changed nothing

    def read(self: Any) -> Any:
        before = set(self.env.all_docs)
        docnames = original_read(self)
        if not docnames and set(self.env.all_docs) == before:
            unchanged.add(self.env)
        else:
            unchanged.discard(self.env)
        return docnames

    def get_updated_docs(self: Any, app: Any, env: Any) -> Any:
        if env in unchanged:
            return []
        return original_updated(self, app, env)

    Builder.read = read  # type: ignore[misc,method-assign]
    TocTreeCollector.get_updated_docs = get_updated_docs  # type: ignore[method-assign]


def _share_doctrees_for_figure_numbers() -> None:
    try:
        from sphinx.environment.collectors.toctree import TocTreeCollector  # noqa: PLC0415
    except ImportError:
        return
    original = getattr(TocTreeCollector, "assign_figure_numbers", None)
    if not callable(original):
        return
    unpickled: dict[tuple[str, str], tuple[bytes, Any]] = {}  # (doctree dir, docname) -> (digest, doctree)

    def assign_figure_numbers(self: Any, env: Any) -> Any:
        pickled = getattr(env, "_pickled_doctree_cache", None)
        if not isinstance(pickled, dict):
            return original(self, env)

        def get_doctree(docname: str) -> Any:
            serialised = pickled.get(docname)
            if serialised is None:
                serialised = pickled[docname] = (Path(env.doctreedir) / f"{docname}.doctree").read_bytes()
            digest = hashlib.blake2b(serialised, digest_size=16).digest()
            key = (str(env.doctreedir), docname)
            known = unpickled.get(key)
            if known is None or known[0] != digest:
                known = unpickled[key] = (digest, pickle.loads(serialised))  # noqa: S301 - Sphinx's own pickle
            return known[1]

        env.get_doctree = get_doctree  # read-only walk: the shared doctree is never changed
        try:
            return original(self, env)
        finally:
            del env.get_doctree  # before the environment is pickled

    TocTreeCollector.assign_figure_numbers = assign_figure_numbers  # type: ignore[method-assign]
    _hand_over_unpickled_doctrees(unpickled)


def _hand_over_unpickled_doctrees(unpickled: dict[tuple[str, str], tuple[bytes, Any]]) -> None:
    """The next ``get_doctree`` of a document the figure numbering unpickled (its pickle
    unchanged since) gets that doctree instead of unpickling the same bytes again, set up as
    Sphinx sets up each doctree it returns; the store lets go of it, so whoever changes it (the
    LaTeX builder inlines every document into one) is the only one who ever sees it."""
    try:
        from sphinx.environment import BuildEnvironment  # noqa: PLC0415
        from sphinx.util.docutils import LoggingReporter  # noqa: PLC0415
    except ImportError:
        return
    original = getattr(BuildEnvironment, "get_doctree", None)
    if not callable(original):
        return

    def get_doctree(self: Any, docname: str) -> Any:
        known = unpickled.get((str(self.doctreedir), docname))
        serialised = getattr(self, "_pickled_doctree_cache", {}).get(docname)
        if known is None or serialised is None or hashlib.blake2b(serialised, digest_size=16).digest() != known[0]:
            return original(self, docname)
        del unpickled[(str(self.doctreedir), docname)]
        doctree = known[1]
        doctree.settings.env = self
        doctree.reporter = LoggingReporter(str(self.doc2path(docname)))
        return doctree

    BuildEnvironment.get_doctree = get_doctree  # type: ignore[method-assign]


# What Jinja compiles a template with, besides its source (jinja2.Environment's own settings).
_COMPILE_SETTINGS = (
    "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
    "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
    "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized",
    "is_async", "autoescape", "finalize", "newstyle_gettext", "code_generator_class", "policies",
    "intercepted_binops", "intercepted_unops",
)


def _named(value: Any) -> Any:
    """A setting as text that is the same in every process: a function or class by its name."""
    if isinstance(value, dict):
        return {str(key): _named(item) for key, item in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple | frozenset | set):
        return sorted(repr(_named(item)) for item in value)
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__qualname__)}"
    return repr(value)


@functools.cache
def _module_digest(module_name: str) -> str:
    module = sys.modules.get(module_name)
    source = getattr(module, "__file__", None)
    try:
        return hashlib.sha256(Path(source).read_bytes()).hexdigest() if source else ""
    except OSError:
        return ""


def template_settings_key(environment: Any) -> str:
    """A digest of everything besides a template's name and source that its compiled code depends on."""
    import jinja2  # noqa: PLC0415

    extensions = sorted(f"{type(ext).__module__}.{type(ext).__qualname__}:{_module_digest(type(ext).__module__)}"
                        for ext in environment.extensions.values())
    context = {"jinja2": jinja2.__version__, "python": sys.version, "extensions": extensions,
               "environment": f"{type(environment).__module__}.{type(environment).__qualname__}",
               "settings": {name: _named(getattr(environment, name, None)) for name in _COMPILE_SETTINGS}}
    return hashlib.sha256(json.dumps(context, sort_keys=True).encode()).hexdigest()[:32]


def _cache_compiled_templates(directory: Path) -> None:
    try:
        from jinja2 import FileSystemBytecodeCache  # noqa: PLC0415
        from sphinx.jinja2glue import BuiltinTemplateLoader  # noqa: PLC0415
    except ImportError:
        return
    original = getattr(BuiltinTemplateLoader, "init", None)
    if not callable(original):
        return

    class SettingsKeyedCache(FileSystemBytecodeCache):
        """Jinja's file cache, in a directory of its own for each set of compile settings: the
        key is taken when a template is asked for (extensions are added after the loader's init)."""

        def get_bucket(self, environment: Any, name: str, filename: str | None, source: str) -> Any:
            keyed = directory / template_settings_key(environment)
            keyed.mkdir(parents=True, exist_ok=True)
            self.directory = str(keyed)
            return super().get_bucket(environment, name, filename, source)

    def init(self: Any, builder: Any, theme: Any = None, dirs: Any = None) -> None:
        original(self, builder, theme, dirs)
        environment = getattr(self, "environment", None)
        if environment is not None and environment.bytecode_cache is None:
            environment.bytecode_cache = SettingsKeyedCache(str(directory))

    BuiltinTemplateLoader.init = init  # type: ignore[method-assign]
