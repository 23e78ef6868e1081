from __future__ import annotations

from qms.cli import main

raise SystemExit(main())
