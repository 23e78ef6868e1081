"""The HTML that mammoth makes of a Word file, as Markdown.

mammoth writes a small, regular subset of HTML: headings, paragraphs, strong and em, lists nested in
list items, tables of rows and cells (with colspan and rowspan), images, links, and the footnotes as an
ordered list at the end whose items are `<li id="footnote-N">`. This module turns exactly that into
Markdown that Python-Markdown (the site) and CommonMark/GitHub render alike: nested list items are
indented by four spaces, tables are pipe tables whose first row is the header, footnotes are `[^N]`.

A Markdown table cannot merge cells: a merged cell's text goes in its first cell and the cells it
covered are left empty; `Converted.merged_cells` counts them so the caller can say so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote

_VOID = {"img", "br", "hr"}
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote", "pre", "hr", "div"}
_NOTE_ID = re.compile(r"(footnote|endnote|comment)-(\d+)")
_NOTE_REF = re.compile(r"#(footnote|endnote|comment)-(\d+)")
_INDENT = "    "


@dataclass
class Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)


@dataclass
class Converted:
    markdown: str
    merged_cells: int = 0
    tables: list[list[list[str]]] = field(default_factory=list)  # each table's rows of cell texts, as plain text
    file_links: list[str] = field(default_factory=list)  # links to files by relative path (other Word files, say)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching open element; a stray end tag is ignored.
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def text_of(node: Element | str) -> str:
    """The plain text of a node, white space collapsed."""
    if isinstance(node, str):
        return node
    return " ".join("".join(text_of(c) for c in node.children).split()) if node.tag != "br" else " "


def html_to_markdown(html: str, image_src: Callable[[str], str] = lambda src: src) -> Converted:
    """Markdown for mammoth's HTML; `image_src` maps each image's src to the link the Markdown gives it."""
    return _Writer(image_src).document(parse_html(html))


class _Writer:
    def __init__(self, image_src: Callable[[str], str]) -> None:
        self.image_src = image_src
        self.merged = 0
        self.tables: list[list[list[str]]] = []
        self.file_links: list[str] = []

    def document(self, root: Element) -> Converted:
        blocks = self.blocks(root.children)
        text = "\n\n".join(b for b in blocks if b.strip())
        return Converted(text + "\n" if text else "", self.merged, self.tables, self.file_links)

    # ------------------------------------------------------------ blocks

    def blocks(self, nodes: list[Element | str]) -> list[str]:
        """Block-level Markdown for a run of nodes; loose inline content between blocks becomes a paragraph."""
        out: list[str] = []
        inline: list[Element | str] = []
        last_was_list = False
        for node in nodes:
            if isinstance(node, Element) and node.tag in _BLOCKS:
                if inline:
                    out.append(self.paragraph(inline))
                    inline = []
                if node.tag in ("ul", "ol") and last_was_list:
                    # Two lists in a row would be read as one (Python-Markdown joins a bullet list to a numbered one).
                    out.append("<!-- -->")
                out.append(self.block(node))
                last_was_list = node.tag in ("ul", "ol")
                continue
            inline.append(node)
            if not (isinstance(node, str) and not node.strip()):
                last_was_list = False
        if inline:
            out.append(self.paragraph(inline))
        return [b for b in out if b.strip()]

    def block(self, node: Element) -> str:
        tag = node.tag
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = self.inline(node.children).replace("\n", " ").strip()
            return f"{'#' * int(tag[1])} {text}" if text else ""
        if tag == "p":
            return self.paragraph(node.children)
        if tag in ("ul", "ol"):
            if tag == "ol" and node.children and all(_note_id(c) for c in node.children if isinstance(c, Element)):
                return self.notes(node)
            return self.list_block(node)
        if tag == "table":
            return self.table(node)
        if tag == "hr":
            return "---"
        if tag == "blockquote":
            return "\n".join(f"> {line}" if line else ">" for line in "\n\n".join(self.blocks(node.children)).split("\n"))
        if tag == "pre":
            code = text_of(node)
            return f"```\n{code}\n```"
        return "\n\n".join(self.blocks(node.children))

    def paragraph(self, nodes: list[Element | str]) -> str:
        text = self.inline(nodes).strip()
        return _guard_line_start(text)

    def list_block(self, node: Element) -> str:
        items = [c for c in node.children if isinstance(c, Element) and c.tag == "li"]
        lines: list[str] = []
        for number, item in enumerate(items, 1):
            marker = f"{number}." if node.tag == "ol" else "-"
            parts = self.blocks(item.children)
            first, rest = (parts[0], parts[1:]) if parts else ("", [])
            lines.append(f"{marker} {_indent(first, _INDENT).lstrip()}".rstrip())
            for part in rest:
                # A nested list follows its item directly; a further paragraph of the item after a blank line.
                if not part.lstrip().startswith(("-", *(f"{n}." for n in range(1, 10)))):
                    lines.append("")
                lines.append(_indent(part, _INDENT))
        return "\n".join(lines)

    def notes(self, node: Element) -> str:
        out = []
        for item in node.children:
            if not isinstance(item, Element):
                continue
            label = _note_id(item) or "?"
            body = "\n\n".join(self.blocks(_without_back_links(item.children)))
            out.append(f"[^{label}]: {_indent(body, _INDENT).lstrip()}")
        return "\n".join(out)

    def table(self, node: Element) -> str:
        rows = [r for r in _descendants(node, "tr", stop="table")]
        grid: list[list[str]] = []
        plain: list[list[str]] = []
        pending: dict[int, int] = {}  # column -> rows still covered by a rowspan above
        for row in rows:
            cells = [c for c in row.children if isinstance(c, Element) and c.tag in ("td", "th")]
            line: list[str] = []
            text_line: list[str] = []
            column = 0
            queue = list(cells)
            while queue or any(col >= column for col in pending):
                if pending.get(column, 0) > 0:
                    pending[column] -= 1
                    line.append("")
                    text_line.append("")
                    column += 1
                    continue
                if not queue:
                    break
                cell = queue.pop(0)
                span, down = _span(cell.attrs.get("colspan")), _span(cell.attrs.get("rowspan"))
                line.append(self.cell(cell))
                text_line.append(text_of(cell))
                for extra in range(span):
                    if down > 1:
                        pending[column + extra] = down - 1
                    if extra:
                        line.append("")
                        text_line.append("")
                self.merged += (span * down) - 1
                column += span
            pending = {k: v for k, v in pending.items() if v > 0}
            grid.append(line)
            plain.append(text_line)
        if not grid:
            return ""
        width = max(len(r) for r in grid)
        grid = [r + [""] * (width - len(r)) for r in grid]
        self.tables.append([r + [""] * (width - len(r)) for r in plain])
        lines = [_row(grid[0]), "| " + " | ".join("---" for _ in range(width)) + " |"]
        lines += [_row(r) for r in grid[1:]]
        return "\n".join(lines)

    def cell(self, node: Element) -> str:
        # A table cell is one line: its paragraphs and list items are joined with <br>.
        parts: list[str] = []
        for block in self.blocks(node.children):
            parts.extend(line.strip() for line in block.split("\n") if line.strip())
        return "<br>".join(p.replace("|", "\\|") for p in parts)

    # ------------------------------------------------------------ inline

    def inline(self, nodes: list[Element | str]) -> str:
        return "".join(self.inline_node(n) for n in nodes)

    def inline_node(self, node: Element | str) -> str:
        if isinstance(node, str):
            return _escape(re.sub(r"[ \t\r\n]+", " ", node))
        tag = node.tag
        if tag == "br":
            return "<br>"
        if tag == "img":
            alt = _escape(" ".join(node.attrs.get("alt", "").split()))
            src = self.image_src(node.attrs.get("src", ""))
            return f"![{alt}]({_link_target(src)})" if src else ""
        if tag in ("strong", "b"):
            return _wrap("**", self.inline(node.children))
        if tag in ("em", "i"):
            return _wrap("*", self.inline(node.children))
        if tag in ("s", "del", "strike"):
            return _wrap("~~", self.inline(node.children))
        if tag in ("sup", "sub", "u"):
            inner = self.inline(node.children)
            if inner.startswith("[^") and inner.endswith("]"):
                return inner  # a footnote reference is already marked
            return f"<{tag}>{inner}</{tag}>" if inner.strip() else inner
        if tag == "a":
            href = node.attrs.get("href", "")
            ref = _NOTE_REF.fullmatch(href)
            if ref:
                return f"[^{_label(ref.group(1), ref.group(2))}]"
            inner = self.inline(node.children)
            if not href or href.startswith("#"):
                return inner  # a bookmark or a link inside the Word file: its target is not in the Markdown
            if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", href) and href not in self.file_links:
                self.file_links.append(href)
            return f"[{inner}](<{href}>)" if inner.strip() else f"<{href}>"
        if tag in _BLOCKS:
            return " " + " ".join(self.blocks([node])) + " "
        return self.inline(node.children)


# ---------------------------------------------------------------- helpers

def _descendants(node: Element, tag: str, stop: str) -> list[Element]:
    """The `tag` elements under node, not looking inside a nested `stop` element."""
    found = []
    for child in node.children:
        if isinstance(child, Element):
            if child.tag == tag:
                found.append(child)
            elif child.tag != stop:
                found.extend(_descendants(child, tag, stop))
    return found


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _note_id(node: Element | str) -> str | None:
    if not isinstance(node, Element) or node.tag != "li":
        return None
    match = _NOTE_ID.fullmatch(node.attrs.get("id", ""))
    return _label(match.group(1), match.group(2)) if match else None


def _label(kind: str, number: str) -> str:
    return number if kind == "footnote" else f"{kind[0]}{number}"


def _without_back_links(nodes: list[Element | str]) -> list[Element | str]:
    """A footnote's text without mammoth's ↑ link back to where it is referenced."""
    out: list[Element | str] = []
    for node in nodes:
        if isinstance(node, Element):
            if node.tag == "a" and node.attrs.get("href", "").startswith("#") and _NOTE_REF.fullmatch(
                    node.attrs["href"].replace("-ref-", "-")):
                continue
            out.append(Element(node.tag, node.attrs, _without_back_links(node.children)))
        else:
            out.append(node)
    return out


def _wrap(mark: str, inner: str) -> str:
    """Emphasis around the text, white space kept outside the marks (`** bold**` is not emphasis)."""
    stripped = inner.strip()
    if not stripped:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()):]
    return f"{lead}{mark}{stripped}{mark}{trail}"


def _escape(text: str) -> str:
    """Word's text as Markdown text: characters Markdown would read as syntax are escaped."""
    text = re.sub(r"([\\`*_\[\]])", r"\\\1", text)
    text = re.sub(r"&(?=#?\w+;)", "&amp;", text)
    return text.replace("<", "&lt;")


def _guard_line_start(text: str) -> str:
    """A paragraph that starts like a heading, a quote, a list item or a rule is escaped to stay a paragraph."""
    if re.match(r"#|>|[-+=](\s|$)|---", text):
        return "\\" + text
    number = re.match(r"(\d+)([.)])(\s|$)", text)
    if number:
        return f"{number.group(1)}\\{text[len(number.group(1)):]}"
    return text


def _link_target(path: str) -> str:
    """A picture's path as a link target: readable (Chinese stays Chinese), only what would end the link encoded."""
    return re.sub(r"[%\s()<>]", lambda m: quote(m.group()), path)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in text.split("\n"))
