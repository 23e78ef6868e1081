"""Git, and only git: the one runner every git process starts from, the commit model, the log reader
and its cache in `.git/qmskit`, blob ids from the index, and GitPython's view of the repository's state.
"""
