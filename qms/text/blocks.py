"""Two small rewrites of Markdown text, line by line, outside fenced code.

Python-Markdown differs from GitHub's renderer in two places that no
maintained extension covers, and the export (plain Markdown) needs the
first too, so both are done here on the text, once, for the site, the PDF and
the export:

- `join_cjk_lines`: a line break between two CJK characters is not a space.
  Chinese and Japanese put no space between words, so "保持\\n现行有效" is one
  word broken by the editor's wrap; a browser shows the break as a space
  ("保持 现行有效"). Latin text is left alone: there the break is a space.
- `separate_lists`: a list that follows a paragraph without a blank line is a
  list on GitHub (CommonMark lets a list interrupt a paragraph); Python-Markdown
  needs the blank line, so one is put in.
- `mark_details`: GitHub renders the Markdown inside a `<details>` block (a
  collapsible section); Python-Markdown keeps it as raw text unless the tag
  says `markdown="1"` (its md_in_html extension), which is added.
- `indent_lists`: GitHub nests a list item under another when it is indented
  to the other's text (two spaces under "- ", three under "1. "), and four
  works too; Python-Markdown nests only by four. Each list line is indented
  again to four spaces a level, the rest of its indentation kept; and an
  item numbered "1)", which Python-Markdown does not know, is written "1.".
- `space_after_headings`: not for GitHub but for time. Python-Markdown parses a
  run of lines with no blank line between them as one block: an ATX heading at
  its top is taken off and the rest is tried again by every block processor,
  each reading the whole remainder (the tables extension splits it into rows).
  A run of n headings costs n^2; 100,000 such lines took minutes. A blank line
  after each heading makes each its own block; the HTML is the same.
"""

from __future__ import annotations

import re

from qms.text.body import prose_lines

# Han, kana, bopomofo, CJK punctuation and full-width forms; not Hangul (Korean puts spaces between words).
_CJK = ("\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31c0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
        "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff9f\uffe0-\uffef\U00020000-\U0003134f")
# Curly quotes are shared with Latin text: they count as CJK beside a CJK character (“作废”).
ENDS_CJK = re.compile(f"[{_CJK}][”’]?$")
STARTS_CJK = re.compile(f"^[“‘]?[{_CJK}]")
QUOTE_PREFIX = re.compile(r"^(?:[ \t]*>[ \t]?)*")
LIST_ITEM = re.compile(r"^[ ]{0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
ANY_ITEM = re.compile(r"^( *)((?:[-*+]|\d{1,9}[.)]))( {1,4}|$)(?=\S|$)")
TABLE_RULE = re.compile(r"^ *\|? *:?-+:? *(?:\| *:?-+:? *)*\|? *$")
ANY_ITEM_LINE = re.compile(r"^[ >]*(?:[-*+]|\d{1,9}[.)])(?: |$)", re.MULTILINE)
BLOCK_START = re.compile(r"^ *(?:#{1,6}(?: |$)|>|`{3,}|~{3,})")
BLANK, TEXT, OTHER = "blank", "text", "other"  # what the line before was
FENCE_LINE = re.compile(r"^ *(`{3,}|~{3,})")
# What may interrupt a paragraph on GitHub: a bullet item, or an ordered one that starts at 1, with text.
INTERRUPTING_ITEM = re.compile(r"^[ ]{0,3}(?:[-*+]|1[.)])[ \t]+\S")
# Lines that are not paragraph text: headings, tables, HTML, fences, thematic breaks.
NOT_PROSE = re.compile(r"^[ ]{0,3}(?:#{1,6}(?:[ \t]|$)|<|\||(?:`{3,}|~{3,})|(?:[-*_][ \t]*){3,}$)")


def _split(line: str) -> tuple[str, str]:
    prefix = QUOTE_PREFIX.match(line)
    end = prefix.end() if prefix else 0
    return line[:end], line[end:]


def _code_lines(lines: list[str]) -> list[bool]:
    """Which lines are code: in a fence (the fence lines too), or in an indented code block outside a list."""
    prose = {number for number, _ in prose_lines("\n".join(lines), 0)}
    found: list[bool] = []
    in_list = in_code = False
    previous_blank = True
    for number, line in enumerate(lines):
        _, content = _split(line)
        blank = not content.strip()
        indent = len(content) - len(content.lstrip(" "))
        if LIST_ITEM.match(content):
            in_list = True
        elif not blank and indent == 0 and previous_blank and not line.startswith(" "):  # "  > x" is in an item
            in_list = False
        # Indented code starts after a blank line outside a list, and goes on while lines are indented (or blank).
        in_code = (in_code and (blank or indent >= 4)) or (indent >= 4 and previous_blank and not in_list and not blank)
        found.append(number not in prose or (in_code and not blank))
        previous_blank = blank
    return found


def _paragraph_lines(lines: list[str]) -> list[bool]:
    """Which lines are paragraph text (outside code, headings and tables)."""
    return [not code and bool(_split(line)[1].strip()) and "|" not in line and not NOT_PROSE.match(_split(line)[1])
            for line, code in zip(lines, _code_lines(lines))]


def join_cjk_lines(text: str) -> str:
    """Each soft line break between two CJK characters removed (outside code); everything else kept."""
    if not re.search(f"[{_CJK}]\n", text):
        return text
    lines = text.split("\n")
    prose = _paragraph_lines(lines)
    out: list[list[str]] = []  # the pieces of each output line: a paragraph of many short lines is joined once
    joining = False
    for number, line in enumerate(lines):
        if joining:
            out[-1].append(_split(line)[1].lstrip(" \t"))
        else:
            out.append([line])
        nxt = number + 1
        joining = (nxt < len(lines) and prose[number] and prose[nxt] and bool(ENDS_CJK.search(line))
                   and _split(line)[0].count(">") == _split(lines[nxt])[0].count(">")
                   and bool(STARTS_CJK.match(_split(lines[nxt])[1].lstrip(" \t")))
                   and not LIST_ITEM.match(_split(lines[nxt])[1]))
    return "\n".join("".join(pieces) for pieces in out)


DETAILS = re.compile(r"^( {0,3}<details)(?=[\s>])(?![^>]*\bmarkdown=)", re.IGNORECASE | re.MULTILINE)


def mark_details(text: str) -> str:
    """`<details>` opening a line, outside code, marked for Python-Markdown to render what it holds."""
    if "<details" not in text.lower():
        return text
    lines = text.split("\n")
    for number, _ in prose_lines(text, 0):
        lines[number] = DETAILS.sub(r'\1 markdown="1"', lines[number])
    return "\n".join(lines)


def _kind(marker: str) -> str:
    """A bullet's character, or an ordered item's delimiter: GitHub starts a new list when it changes."""
    return marker[-1]


def separate_lists(text: str) -> str:
    """A blank line put where GitHub starts a list or a table without one, so that Python-Markdown does too.

    That is: before a list or a table that follows a paragraph directly, and around a fence that touches
    the text before or after it; and an empty comment between two quotes that a blank line separates."""
    lines = text.split("\n")
    code = _code_lines(lines)
    prose = _paragraph_lines(lines)
    out: list[str] = []
    in_list = False
    for number, line in enumerate(lines):
        if code[number]:
            # A code block not indented under a list item starts and ends a block by itself on GitHub; Python-
            # Markdown would put a fence that touches a paragraph inside it, and take a list after it for text.
            prefix, content = _split(line)
            unindented = len(content) - len(content.lstrip(" ")) < 2
            in_list = in_list and not unindented  # a fence at the margin ends a list
            if unindented and number and not code[number - 1] and lines[number - 1].strip():
                out.append(prefix.rstrip())
            out.append(line)
            if (unindented and number + 1 < len(lines) and not code[number + 1] and _split(lines[number + 1])[1].strip()
                    and FENCE_LINE.match(content)):
                out.append(prefix.rstrip())
            continue
        prefix, content = _split(line)
        if (not line.strip() and 0 < number < len(lines) - 1 and lines[number - 1].lstrip().startswith(">")
                and lines[number + 1].lstrip().startswith(">") and not code[number]):
            # Two quotes with a blank line between are two quotes on GitHub, one to Python-Markdown.
            next_line = lines[number + 1]
            out += [line, next_line[:len(next_line) - len(next_line.lstrip())] + "<!-- -->", line]
            continue
        after_prose = number > 0 and prose[number - 1] and _split(lines[number - 1])[0].count(">") == prefix.count(">")
        if number > 0 and prose[number - 1] and _split(lines[number - 1])[0].count(">") < prefix.count(">"):
            out.append(_split(lines[number - 1])[0].rstrip())  # a quote that starts right under a paragraph
        item = ANY_ITEM.match(content)
        if item and LIST_ITEM.match(content.lstrip(" ")):
            new_list = after_prose and not in_list and INTERRUPTING_ITEM.match(content.lstrip(" ")) is not None
            # An item ends a quote above it; Python-Markdown would take it into the quote.
            if new_list or (number > 0 and _split(lines[number - 1])[0].count(">") > prefix.count(">")):
                out.append(prefix.rstrip())
            in_list = True
        elif (after_prose and "|" in content and number + 1 < len(lines) and TABLE_RULE.match(_split(lines[number + 1])[1])
              and not in_list):  # in a list, indent_lists decides, knowing where the item's text starts
            out.append(prefix.rstrip())
        elif content.strip() and not content.startswith(" ") and (not lines[number - 1].strip() if number else True):
            in_list = False
        out.append(line)
    return "\n".join(out)


def indent_lists(text: str) -> str:
    """Every line of a list indented four spaces a level, as Python-Markdown nests; outside lists, kept.

    Inside a blockquote the same is done after the `>` markers. Where GitHub ends a list because the
    marker changes ("-" then "*", or "1." then "-"), an empty HTML comment ends it for Python-Markdown,
    which would go on with the same list; it shows nothing."""
    if not ANY_ITEM_LINE.search(text):
        return text
    out: list[str] = []
    columns: list[int] = []  # the text column of each open item, outermost first, as written
    kinds: list[str] = []  # the marker kind of each open item
    fence: tuple[str, int, int] | None = None  # an open fence: (its marker, column as written, column now)
    previous = BLANK
    in_table = previous_item = False
    chunk_indent: int | None = None  # the indentation, as written out, of the run of lines since a blank one
    depth = 0
    lines = text.split("\n")
    for index, whole in enumerate(lines):
        prefix, line = _split(whole)
        if prefix and depth == 0 and columns and len(whole) - len(whole.lstrip(" ")) >= columns[0]:
            prefix, line = "", whole  # a quote inside a list item: the item's text, indented with it
        if prefix.count(">") != depth:  # into or out of a quote: its lists are its own
            depth, columns, kinds, previous = prefix.count(">"), [], [], BLANK
        width = len(line) - len(line.lstrip(" "))
        if fence is not None:
            marker, was, now = fence
            out.append(prefix + (" " * now + line[min(width, was):] if line.strip() else line))
            if set(line.strip()) == {marker[0]} and len(line.strip()) >= len(marker):
                fence, previous = None, OTHER
                if index + 1 < len(lines) and _split(lines[index + 1])[1].strip():
                    out.append(prefix.rstrip())  # what follows a fence is a block of its own, as on GitHub
                    chunk_indent = None
            continue
        if not line.strip():
            out.append(whole)
            previous, in_table, chunk_indent, previous_item = BLANK, False, None, False
            continue
        item = ANY_ITEM.match(line) if width < (columns[-1] + 4 if columns else 4) else None
        if in_table and (item or BLOCK_START.match(line)):  # GitHub ends a table where another block starts;
            out.append(prefix.rstrip())  # Python-Markdown would take the line for one more row
            chunk_indent = None
        in_table = (in_table or (previous != BLANK and TABLE_RULE.match(line) is not None)) and not item \
            and not BLOCK_START.match(line)
        kept = sum(1 for column in columns if column <= width) if item else 0  # the open items that hold it
        # A list that would start right under paragraph text starts on GitHub only with a bullet or "1.".
        if item and kept == len(columns) and previous == TEXT and not INTERRUPTING_ITEM.match(line.lstrip(" ")):
            # Text to GitHub ("in 2024 we had\n2. nothing"): its marker escaped, or Python-Markdown would nest it.
            line = line[:item.end(2) - 1] + "\\" + line[item.end(2) - 1:]
            whole = prefix + line
            item = None
        was = now = 0
        if item:
            level, kind = kept, _kind(item.group(2))
            if level < len(kinds) and kinds[level] != kind:  # a new marker: GitHub starts a new list here
                out += [prefix.rstrip(), prefix + " " * (4 * level) + "<!-- -->", prefix.rstrip()]
                chunk_indent = None
            elif level == len(columns) and columns and previous == TEXT and not previous_item:
                out.append(prefix.rstrip())  # a list right under a paragraph of the item: GitHub starts it there
                chunk_indent = None
            elif chunk_indent is not None and 4 * level < chunk_indent:
                # Python-Markdown gives a run of lines that starts indented to the item above, whole; an
                # item further out in that run would be taken into it. A blank line starts a new run.
                out.append(prefix.rstrip())
                chunk_indent = None
            del columns[level:], kinds[level:]
            columns.append(width + len(item.group(2)) + max(len(item.group(3)), 1))
            kinds.append(kind)
            if item.group(2).endswith(")"):  # "1)": an ordered item to GitHub, text to Python-Markdown
                line = line[:item.end(2) - 1] + "." + line[item.end(2):]
            text_of_item = line[columns[-1]:]
            opened = FENCE_LINE.match(text_of_item)
            if opened:  # "- ```toml": the item holds a fence from its first line
                out.append(prefix + " " * (4 * level) + line[width:item.end(2)] + " ")
                was, now = columns[-1], 4 * (level + 1)
                out.append(prefix + " " * now + text_of_item)
                fence = (opened.group(1), was, now)
                previous = OTHER
                chunk_indent = 4 * level if chunk_indent is None else chunk_indent
                continue
            out.append(prefix + " " * (4 * level) + line[width:])
        elif columns and width >= columns[0] and (previous == BLANK or width >= columns[-1]):
            level = sum(1 for column in columns if column <= width)  # the deepest item that holds the line
            del columns[level:], kinds[level:]
            was, now = columns[-1], 4 * level
            if (previous == TEXT and "|" in line and index + 1 < len(lines)
                    and TABLE_RULE.match(_split(lines[index + 1])[1])):
                out.append(prefix.rstrip())  # a table under the item's text starts a block of its own on GitHub
                chunk_indent = None
            out.append(prefix + " " * now + line[was:])
        else:  # outside any list, or a lazy continuation of an item's paragraph
            if previous == BLANK:
                columns, kinds = [], []
            out.append(whole)
        opened = FENCE_LINE.match(line) if not item else None
        if opened:
            fence = (opened.group(1), was, now)
        if chunk_indent is None:
            written = _split(out[-1])[1]
            chunk_indent = len(written) - len(written.lstrip(" "))
        previous = OTHER if NOT_PROSE.match(line) else TEXT
        previous_item = bool(item)
    return "\n".join(out)


# For space_after_headings: an ATX heading line.
ATX_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")


def space_after_headings(body: str) -> str:
    """`body` with a blank line after every ATX heading (outside fenced code) that has none."""
    if "#" not in body:
        return body
    lines = body.split("\n")
    last = len(lines) - 1
    spaced: set[int] = set()
    for line_number, text in prose_lines(body, 0):
        if line_number < last and ATX_HEADING.match(text) and lines[line_number + 1].strip():
            spaced.add(line_number)
    if not spaced:
        return body
    out: list[str] = []
    for index, line in enumerate(lines):
        out.append(line)
        if index in spaced:
            out.append("")
    return "\n".join(out)
