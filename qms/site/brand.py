"""The organisation on its site: logo, main colour, and a footer that says who published it, from what.

Set in qms.yml (`site: {logo: portal/logo.svg, colour: "#8b1a1a"}`). The footer replaces Material's "Made with
Material for MkDocs" with the organisation, the commit the site was built from and the date it shows in force,
so a reader (or an auditor holding a printout) can tell which state of the repository a page comes from.
"""

from __future__ import annotations

from pathlib import Path

from qms.errors import ConfigError
from qms.load.config import CONFIG_NAME, Config
from qms.safewrite import within

LOGO_DEST = "assets/qms-logo"

FOOTER = {
    "en": "Published by {organisation} from commit {commit}, as in force on {day}.",
    "zh": "{organisation}发布。依据提交 {commit}，{day} 现行有效版本。",
}


def footer(config: Config, commit: str, day: str) -> str:
    words = FOOTER["zh" if config.language.lower().startswith("zh") else "en"]
    return words.format(organisation=config.organisation, commit=commit[:7] or "(none)", day=day)


def logo_file(config: Config) -> Path | None:
    """The logo's file, checked to be a file inside the repository; None when qms.yml sets none."""
    if not config.site_logo:
        return None
    path = (config.root / config.site_logo).resolve()
    line = config.source.line_of(("site", "logo")) if config.source else None
    where = f"{CONFIG_NAME}:{line}" if line else CONFIG_NAME
    if not within(config.root.resolve(), path) or not path.is_file():
        raise ConfigError(f"{where}: the site logo {config.site_logo} is not a file in the repository; give the "
                          "path of the picture from the repository's root, such as portal/logo.svg")
    return path


def colour_css(colour: str) -> str:
    """Material's primary colour variables for #RRGGBB, with a lighter and a darker shade and readable text."""
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))

    def shade(factor: float) -> str:
        return "#" + "".join(f"{max(0, min(255, round(c * factor))):02x}" for c in (red, green, blue))

    light_text = (0.299 * red + 0.587 * green + 0.114 * blue) < 150
    text = "#ffffff" if light_text else "#000000de"
    return (":root, [data-md-color-primary=custom] {\n"
            f"  --md-primary-fg-color: {colour};\n"
            f"  --md-primary-fg-color--light: {shade(1.25)};\n"
            f"  --md-primary-fg-color--dark: {shade(0.75)};\n"
            f"  --md-primary-bg-color: {text};\n"
            f"  --md-typeset-a-color: {colour};\n"
            "}\n")
