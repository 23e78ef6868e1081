"""qmskit: an ISO 9001 quality management system kept as documentation-as-code."""

from __future__ import annotations

__version__ = "0.1.0"

# Where qmskit's source is kept. qmskit is not on the package index yet: the CI files `qms init` writes install
# it from here at the tag v{__version__} (the GitHub Action in action.yml, the GitLab template ci/gitlab-qms.yml).
REPOSITORY = "https://github.com/qmskit/qmskit"
