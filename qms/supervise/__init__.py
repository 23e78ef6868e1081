"""Supervision over time: the duties that come due (reviews, acknowledgements, ...).

Below the workspace and above history: it takes documents, settings and
history as plain data and returns duties and their dates; rules, the site
and commands call it.
"""
