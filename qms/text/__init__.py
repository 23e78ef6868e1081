"""Pure text: front-matter splitting and editing, the YAML reader, body scanning, Markdown escaping, escapes for
terminals and CSV cells, revision labels, ids and did-you-mean. No I/O, no model; nothing below this package imports it.
"""
