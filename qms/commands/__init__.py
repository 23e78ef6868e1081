"""One module for each command that writes, exports or prints a document's record: init and new,
approve, demo, pdf, export, codeowners, history and diff. Each takes a Workspace or a folder and
returns a result the CLI prints.
"""
