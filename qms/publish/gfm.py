"""The one Markdown configuration of the site, the PDF and the export: GitHub's reading of the source.

What GitHub shows for a document is what was approved, so the published copy renders the same source
with the same structure (docs/format.md lists what still differs, and why). The site's plugin adds
these extensions to MkDocs; `qms pdf` renders with `render`. The export writes Markdown, which its
reader renders; it gets the text rewrites of qms/text/blocks.py.
"""

from __future__ import annotations

import re
from typing import Any

from qms.text.size import PARAGRAPH_CHARACTERS

# Name -> settings, in the order they are loaded.
EXTENSIONS: dict[str, dict[str, Any]] = {
    "tables": {},  # not attr_list or def_list: GitHub shows "{: .class}" and "Term\n: definition" as text
    "footnotes": {},
    "md_in_html": {},  # Markdown inside <details>, as GitHub renders it (qms/text/blocks.py marks the tag)
    # A new kind of list marker starts a new list, and an ordered list keeps its first number, as on GitHub.
    "sane_lists": {},
    # Fences anywhere a block may be: in list items and blockquotes, as GitHub allows.
    "pymdownx.superfences": {},
    "pymdownx.highlight": {"use_pygments": False},
    "pymdownx.tasklist": {"custom_checkbox": False, "clickable_checkbox": False},
    "pymdownx.tilde": {"subscript": False},  # ~~text~~ is struck through; ~text~ stays text
    "pymdownx.betterem": {"smart_enable": "all"},  # no emphasis inside words_like_this, as on GitHub
    "pymdownx.magiclink": {"hide_protocol": False, "repo_url_shortener": False},  # bare URLs and www. links
    "markdown_callouts.github_callouts": {},  # > [!NOTE] as an admonition
    "qms.publish.gfm_ext": {},  # lists after a paragraph, backslash breaks, CJK line breaks
}


def mkdocs_extensions(configured: list[Any], configs: dict[str, Any],
                      paragraph_characters: int = PARAGRAPH_CHARACTERS) -> None:
    """Add the extensions to MkDocs' `markdown_extensions` and `mdx_configs`; a site's own settings win, but
    not over qms.yml's limit on a paragraph (`limits.paragraph_characters`)."""
    for name, settings in EXTENSIONS.items():
        if name not in configured:
            configured.append(name)
            if settings and name not in configs:
                configs[name] = dict(settings)
    configs.setdefault("qms.publish.gfm_ext", {})["paragraph_characters"] = paragraph_characters
    # Heading ids as GitHub makes them, so that a link to `#目的` works on the site as in the repository
    # (MkDocs' default drops every character that is not ASCII, and gives `#_1`).
    toc = configs.setdefault("toc", {})
    if "slugify" not in toc:
        from pymdownx.slugs import slugify

        toc["slugify"] = slugify(case="lower")


def render(text: str, paragraph_characters: int = PARAGRAPH_CHARACTERS) -> str:
    """The Markdown as HTML, as the site renders it (the `pdf` or `site` extra provides Markdown); a paragraph
    longer than `paragraph_characters` as plain text."""
    import markdown

    configs = {**EXTENSIONS, "qms.publish.gfm_ext": {"paragraph_characters": paragraph_characters}}
    return str(markdown.markdown(text, extensions=list(EXTENSIONS), extension_configs=configs))


# A GitHub alert's title, as markdown-callouts writes it in English, for the site's language.
_ALERT_TITLE = re.compile(r'(<div class="admonition (note|tip|important|warning|caution)">\s*'
                          r'<p class="admonition-title">)(Note|Tip|Important|Warning|Caution)(</p>)')


def translate_alert_titles(html: str, t: dict[str, str]) -> str:
    """`> [!NOTE]` is titled "Note" by the extension; a Chinese page says 注意. Titles an author wrote stay."""
    return _ALERT_TITLE.sub(lambda m: m.group(1) + t.get(f"alert_{m.group(2)}", m.group(3)) + m.group(4), html)
