"""The organisation's name is kept once, in qms.yml (issue 14, point 12).

`qms init` wrote the name it made from the folder into six files, silently, and a later change to
qms.yml reached none of them. Now init says when it made the name up, and writes it only into
qms.yml: the site's title and home page take it from there at every build.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scaffolding import User


def test_init_says_when_the_name_comes_from_the_folder(tmp_path: Path) -> None:
    user = User(tmp_path / "home")
    guessed = user.qms("init", "harbour-water_board", cwd=tmp_path)
    assert guessed.code == 0, guessed.stderr
    assert '"Harbour Water Board", was made from the folder\'s name (no --organisation)' in guessed.stdout
    assert "change organisation: there" in guessed.stdout
    given = user.qms("init", "office", "--organisation", "Harbour Water Board", cwd=tmp_path)
    assert given.code == 0, given.stderr
    assert "made from the folder" not in given.stdout
    assert "organisation: Harbour Water Board" in (tmp_path / "office/qms.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("lang", "home_text"), [("en", "This site publishes the documents of {}'s quality"),
                                                ("zh", "本网站发布{}质量管理体系")])
def test_a_name_changed_in_qms_yml_reaches_the_site(tmp_path: Path, lang: str, home_text: str) -> None:
    user = User(tmp_path / "home")
    assert user.qms("init", "office", "--lang", lang, "--organisation", "Harbour Water Board", cwd=tmp_path).code == 0
    root = tmp_path / "office"
    holding = [rel for rel in user.git(root, "ls-files").splitlines()
               if "Harbour Water Board" in (root / rel).read_text(encoding="utf-8")]
    assert holding == ["qms.yml"]
    settings = root / "qms.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("Harbour Water Board", "City Water Authority"),
                        encoding="utf-8")
    build = user.qms("build", cwd=root)
    assert build.code == 0, build.stderr
    home = (root / "site/index.html").read_text(encoding="utf-8")
    assert "<title>" in home and "City Water Authority" in home[home.index("<title>"):home.index("</title>")]
    assert home_text.format("City Water Authority") in home
    assert "Harbour Water Board" not in home and "{organisation}" not in home
