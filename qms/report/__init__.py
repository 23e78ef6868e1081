"""Pure renderers: findings, history, registers and the audit trail in, text out (text, json, github,
sarif, junit, gitlab, markdown, csv). They decide nothing.
"""
