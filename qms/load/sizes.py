"""F015 and F016: a document too long to print as one PDF, a paragraph too long to render with its formatting.

Measured on the text as written (qms/text/size.py), with the limits of `limits:` in qms.yml; both are warnings,
since the site still publishes the document (linearly: the long paragraph as plain text) and only `qms pdf`
refuses it.
"""

from __future__ import annotations

from qms.load.config import CONFIG_NAME, Config
from qms.model import WARNING, Document, Finding
from qms.text.size import COLUMNS, LINES_PER_PAGE, estimated_pages, long_paragraphs


def size_findings(config: Config, doc: Document) -> list[Finding]:
    found = [Finding(doc.path, p.line, "F016", WARNING,
                     f"a paragraph of {p.characters:,} characters (lines {p.line}-{p.last_line}), more than the "
                     f"{config.paragraph_characters:,} rendered with links and emphasis: the site and PDFs show it "
                     "as plain text",
                     f"break it into shorter paragraphs with blank lines between them, or raise "
                     f"limits.paragraph_characters in {CONFIG_NAME}")
             for p in long_paragraphs(doc.body, config.paragraph_characters, doc.body_line)]
    pages = 0 if doc.is_record else printed_pages(config, doc.body)
    if pages > config.pdf_pages:
        found.append(Finding(doc.path, doc.body_line, "F015", WARNING,
                             f"its text would print to about {pages:,} pages, more than the "
                             f"{config.pdf_pages:,} one PDF may hold, so `qms pdf` does not print it",
                             "split it into shorter documents (for example parts, or work instructions under it), "
                             f"or raise limits.pdf_pages in {CONFIG_NAME}"))
    return found


def printed_pages(config: Config, body: str) -> int:
    """The pages `body` is estimated to print to; 0 for the many documents clearly within the limit, of which no
    line is looked at."""
    if body.count("\n") + 1 + 2 * len(body) // COLUMNS <= config.pdf_pages * LINES_PER_PAGE:
        return 0
    return estimated_pages(body)


def too_long_to_print(config: Config, body: str) -> bool:
    return printed_pages(config, body) > config.pdf_pages
