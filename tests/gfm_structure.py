"""The structure of rendered Markdown, to compare the published HTML with GitHub's (cmark-gfm).

Structure, not markup: lists with their depth and first number, list items with their depth,
kind and task box; headings; code blocks and their text; tables with their size; alerts (GitHub's
`> [!NOTE]` blockquote, an admonition on the site); quotes; images; links; hard breaks; struck-through
text. Paragraph text is left out: the site joins CJK lines that GitHub leaves apart.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import cmarkgfm
from cmarkgfm.cmark import Options

ALERT = re.compile(r"^\s*\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*", re.IGNORECASE)
# markdown-callouts names GitHub's CAUTION "danger", as Material's admonitions do.
ADMONITION = {"note": "note", "tip": "tip", "important": "important", "warning": "warning", "danger": "caution"}
VOID = {"br", "img", "input", "hr", "meta", "link", "wbr"}


def github_html(markdown: str) -> str:
    """What GitHub's renderer makes of the Markdown (alerts are its own pass over cmark-gfm's blockquotes)."""
    return str(cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_FOOTNOTES))


class _Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[object, ...]] = []
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.lists: list[str] = []
        self.text: list[str] | None = None  # collecting the text of a heading, code block, cell or del
        self.table: list[int] | None = None
        self.quote_first_text: int | None = None  # index in items of a quote that may turn out to be an alert

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if tag not in VOID:
            self.stack.append((tag, a))
        if tag in ("ul", "ol"):
            self.lists.append(tag)
            self.items.append(("list", len(self.lists), tag, a.get("start", "1")))
        elif tag == "li":
            self.items.append(("item", len(self.lists), self.lists[-1] if self.lists else "?"))
        elif tag == "input" and a.get("type") == "checkbox" and self.items and self.items[-1][0] == "item":
            self.items[-1] = (*self.items[-1], "checked" if "checked" in a else "unchecked")
        elif re.fullmatch(r"h[1-6]|pre|del", tag):
            self.text = []
        elif tag == "table":
            self.table = [0, 0]
        elif tag == "tr" and self.table is not None:
            self.table[0] += 1
        elif tag in ("td", "th") and self.table is not None and self.table[0] == 1:
            self.table[1] += 1
        elif tag == "blockquote":
            self.items.append(("quote",))
            self.quote_first_text = len(self.items) - 1
        elif tag == "div" and "admonition" in classes:
            kind = next((ADMONITION[c] for c in classes if c in ADMONITION), "?")
            self.items.append(("alert", kind))
        elif tag == "p" and "admonition-title" in classes:
            self.text = []  # the title GitHub shows as an icon and a word: not compared
        elif tag == "img":
            self.items.append(("image", a.get("src", ""), a.get("alt", "")))
        elif tag == "a" and "headerlink" not in classes and "href" in a:
            href = a["href"]
            self.items.append(("link", "#" if href.startswith("#") else href))
        elif tag == "br":
            self.items.append(("break",))
        elif tag == "dl":
            self.items.append(("definition list",))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif re.fullmatch(r"h[1-6]", tag) and self.text is not None:
            self.items.append(("heading", int(tag[1]), " ".join("".join(self.text).split())))
            self.text = None
        elif tag == "pre" and self.text is not None:
            code = "\n".join(line.rstrip() for line in "".join(self.text).strip("\n").split("\n"))
            self.items.append(("code", code))
            self.text = None
        elif tag == "del" and self.text is not None:
            self.items.append(("struck", "".join(self.text)))
            self.text = None
        elif tag == "p" and self.text is not None:
            self.text = None
        elif tag == "table" and self.table is not None:
            self.items.append(("table", *self.table))
            self.table = None

    def handle_data(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)
        elif self.quote_first_text is not None and data.strip():
            # GitHub's alert: a blockquote whose first line is [!NOTE] and the like.
            found = ALERT.match(data)
            if found:
                self.items[self.quote_first_text] = ("alert", found.group(1).lower())
            self.quote_first_text = None


def structure(html: str) -> list[tuple[object, ...]]:
    parser = _Structure()
    parser.feed(html)
    parser.close()
    return parser.items


def article(html: str) -> str:
    """The content of a Material page: what lies in its <article>, without the page's own chrome."""
    start = html.index("<article")
    return html[html.index(">", start) + 1:html.rindex("</article>")]
