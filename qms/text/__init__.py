"""Pure text: front-matter splitting and editing, the YAML reader, body scanning, Markdown escaping,
revision labels, ids and did-you-mean. No I/O, no model; nothing below this package imports it.
"""
