"""Build hook: ship the sample office inside the package, for `qms init --example`.

The sample lives at the top of this repository, which is itself a QMS. A wheel copies it into
qms/sample/; an editable install reads it where it is (qms.scaffold.sample_root).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SAMPLE = (".gitignore", "qms.yml", "mkdocs.yml", "manual", "procedures", "records", "schemas", "portal", "docs/guides")


class BuildWithSample(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        here = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "qms" / "sample"
        for name in SAMPLE:
            source = here / name
            if source.is_dir():
                shutil.copytree(source, target / name, dirs_exist_ok=True)
            elif source.is_file():
                target.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target / name)


setup(cmdclass={"build_py": BuildWithSample})
