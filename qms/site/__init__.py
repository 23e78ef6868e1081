"""The MkDocs face of qmskit: a thin plugin over the same core as `qms check`."""
