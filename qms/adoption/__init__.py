"""`qms adopt`: an existing document set (Markdown in git, or Word files) read and planned as a QMS.

Planning reads and decides (`plan.py`, with what it finds in each file in `scan.py` and the
roles and people it drafts in `people.py`); `qms/commands/adopt.py` writes what the plan says.
"""
