"""`qms pdf` embeds a document's pictures, PNG and SVG, at the lowest WeasyPrint qmskit allows and the newest."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image
from qmsrepo import GitQmsRepo, QmsRun, run_qms

pytestmark = pytest.mark.slow  # WeasyPrint, and for the lowest version a pip install

ROOT = Path(__file__).resolve().parents[1]
SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120" viewBox="0 0 120 120">
<circle cx="60" cy="60" r="55" fill="#0000ff"/></svg>
"""


def lowest_allowed_weasyprint() -> str:
    """The lower bound pyproject.toml puts on WeasyPrint, e.g. '68.0'."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return re.search(r'"weasyprint>=([0-9.]+)', text).group(1)


def red_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 120), (255, 0, 0)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def illustrated(git_repo: GitQmsRepo) -> GitQmsRepo:
    """QP-01 revision 3 with a PNG flowchart in an assets folder and an SVG beside it, approved."""
    git_repo.write("procedures/assets/flow.png", red_png())
    git_repo.write("procedures/map.svg", SVG)
    git_repo.edit("procedures/qp-01-document-control.md", "revision: 2", "revision: 3")
    git_repo.edit("procedures/qp-01-document-control.md", "status: effective", "status: review")
    git_repo.edit("procedures/qp-01-document-control.md", "Adds electronic approval.", "Adds the flowchart.")
    git_repo.edit("procedures/qp-01-document-control.md", "See the [quality manual]",
                  "![Flowchart](assets/flow.png)\n\n![Map](map.svg)\n\nSee the [quality manual]")
    git_repo.commit("Draw the flowchart", who="li-na")
    assert git_repo.qms_as("chen-jing", "approve", "QP-01").code == 0
    return git_repo


def colour_share(path: Path, wanted: tuple[int, int, int]) -> float:
    """Share of the pixels of all pages that are close to `wanted`."""
    pdf = pdfium.PdfDocument(path)
    try:
        hits = total = 0
        for page in pdf:
            data = page.render(scale=1).to_pil().convert("RGB").tobytes()
            pixels = zip(data[0::3], data[1::3], data[2::3])
            total += len(data) // 3
            hits += sum(1 for p in pixels if all(abs(a - b) < 40 for a, b in zip(p, wanted)))
        return hits / total
    finally:
        pdf.close()


def assert_pictures_printed(run: QmsRun, out: Path) -> None:
    assert run.code == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    (path,) = out.glob("QP-01_rev3.pdf")
    assert colour_share(path, (255, 0, 0)) > 0.002, "the PNG is missing from the controlled copy"
    assert colour_share(path, (0, 0, 255)) > 0.002, "the SVG is missing from the controlled copy"


def test_newest_weasyprint_prints_png_and_svg(illustrated: GitQmsRepo, tmp_path: Path) -> None:
    out = tmp_path / "copies"
    assert_pictures_printed(run_qms("pdf", "QP-01", "-o", str(out), cwd=illustrated.root), out)


def test_lowest_allowed_weasyprint_prints_png_and_svg(illustrated: GitQmsRepo, tmp_path: Path) -> None:
    version = lowest_allowed_weasyprint()
    target = tmp_path / "weasyprint-lowest"
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                          f"weasyprint=={version}"], capture_output=True, text=True)
    assert pip.returncode == 0, pip.stderr
    env = {"PYTHONPATH": os.pathsep.join([str(target), str(ROOT)])}
    probe = subprocess.run([sys.executable, "-c", "import weasyprint; print(weasyprint.__version__)"],
                           capture_output=True, text=True, env={**os.environ, **env})
    assert probe.stdout.strip() == version, probe.stderr
    out = tmp_path / "copies"
    assert_pictures_printed(run_qms("pdf", "QP-01", "-o", str(out), cwd=illustrated.root, env=env, process=True), out)
