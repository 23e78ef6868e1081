"""Supervision over time: what comes due, for whom, and when, read from the records and git history."""
