"""The working tree into a model: `qms.yml`, the schemas, and every document, record, role and person
as a DocumentSet with the F and S findings met on the way. The orchestrator (documents) sits above the
cache, and the cache above the single-file reader.
"""
