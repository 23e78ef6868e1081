"""Git history into document history: versions, revisions, approvals and signatures, the partial history
for `--since`, and the audit trail's rows. It renders nothing and reads no working tree.
"""
