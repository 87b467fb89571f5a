"""Settings every edition of every project built by this pipeline shares.

conf.py does ``from scripts.sphinxext.defaults import *`` and then states only what is its own
(title, author, licence). Anything that depends on the language is applied later, in the
config-inited handler of scripts.sphinxext.editions, because conf.py never sees ``-D language``.
"""

extensions = ["myst_parser", "scripts.sphinxext"]

root_doc = "index"
language = "es"
locale_dirs = ["../locale"]  # relative to source/; made absolute in config-inited
gettext_compact = False
gettext_uuid = False
gettext_location = True
gettext_last_translator = ""
gettext_language_team = ""

myst_enable_extensions = [
    "colon_fence",
    "deflist",
    "fieldlist",
    "attrs_block",
]
myst_footnote_sort = True

# A community's apostrophe is a letter: never let a transform rewrite ' into ’ (LANGUAGES.md).
# Typographic quotes are written directly in the text instead.
smartquotes = False

numfig = True
exclude_patterns = ["_build", "**/.*", "Thumbs.db"]
figure_language_filename = "{root}.{language}{ext}"
nitpicky = False

html_theme = "furo"
html_sidebars = {
    "**": [
        "sidebar/scroll-start.html",
        "sidebar/brand.html",
        "sidebar/search.html",
        "sidebar/editions.html",
        "sidebar/navigation.html",
        "sidebar/scroll-end.html",
    ],
}
html_copy_source = False
html_show_sourcelink = False
html_show_sphinx = False
html_last_updated_fmt = None
html_permalinks_icon = "#"

latex_engine = "xelatex"
latex_show_urls = "footnote"
latex_show_pagerefs = False

epub_show_urls = "footnote"
epub_tocdepth = 2
epub_theme = "epub"
