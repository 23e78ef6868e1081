"""qmskit: an ISO 9001 quality management system kept as documentation-as-code."""

from __future__ import annotations

__version__ = "0.1.0"
