"""The site's folder pages, and what `qms serve` watches.

A document's page is at its path (`procedures/qp-02-document-control/`), so a reader who
shortens the address to its folder (`/procedures/`) expects a page there. Each type's folder
gets one: the published documents of each type filed in it, with revision and effective date,
the same rows as the master register. The records folder's page is the records register.

The preview rebuilds when a source of the site changes: every folder that holds documents or
records, qms.yml, the roles registry and the people roster, the repository's schemas and the
guides, and git's log of HEAD (a commit, such as an approval, changes the revision tables).
MkDocs itself watches mkdocs.yml and docs_dir.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path

from qms.git.cachedir import git_folder
from qms.load.config import CONFIG_NAME, Config
from qms.model import DocumentSet
from qms.publish.generated import markdown_table
from qms.publish.pages import register_rows
from qms.text.mdtext import cell, link

# The heading of each shipped type's section, in each language; another type is headed by its name.
TYPE_HEADINGS = {
    "en": {"manual": "Quality manual", "procedure": "Procedures", "work-instruction": "Work instructions",
           "form": "Forms", "external": "External documents", "record": "Records"},
    "zh": {"manual": "质量手册", "procedure": "程序文件", "work-instruction": "作业指导书", "form": "表单",
           "external": "外来文件", "record": "记录"},
}
NONE_IN_FORCE = {"en": "No document of this kind is in force.", "zh": "暂无现行有效的此类文件。"}
SEE_RECORDS = {"en": "Records are listed in the [records register]({link}).", "zh": "记录见[记录清单]({link})。"}
COLUMNS = ("id", "title", "revision", "effective")


@dataclass
class FolderPage:
    folder: str  # as qms.yml names it, e.g. "procedures"
    src_uri: str  # the generated page, e.g. "procedures/index.md"
    content: str


def folder_pages(config: Config, docs: DocumentSet, t: dict[str, str], records_page: str,
                 audit: bool = False) -> list[FolderPage]:
    """One page for each folder that holds a document type: its published documents, type by type.

    `records_page` is where the records register is (relative to the root of the set); a folder of
    records only links to it.
    """
    language = "zh" if config.language.lower().startswith("zh") else "en"
    headings = TYPE_HEADINGS[language]
    types_by_folder: dict[str, list[str]] = {}
    for spec in config.types.values():
        types_by_folder.setdefault(spec.folder.strip("/"), []).append(spec.name)
    published = register_rows(docs, audit)
    pages = []
    for folder, types in sorted(types_by_folder.items()):
        if not folder or folder == ".":
            continue  # documents at the root: the home page is there
        src_uri = f"{folder}/index.md"
        document_types = [name for name in types if name != "record"]
        title = " · ".join(headings.get(name, name) for name in (document_types or types))
        parts = [f"# {cell(title)}"]
        for name in document_types:
            rows = [[link(d.id or "", posixpath.relpath(d.path, folder)), cell(d.title), cell(d.revision or ""),
                     cell(d.data.get("effective") or "")]
                    for d in published if d.type == name and d.path.startswith(folder + "/")]
            if len(document_types) > 1:
                parts.append(f"## {cell(headings.get(name, name))}")
            parts.append(markdown_table([t[k] for k in COLUMNS], rows) if rows else NONE_IN_FORCE[language])
        if "record" in types:
            parts.append(SEE_RECORDS[language].format(link=posixpath.relpath(records_page, folder)))
        pages.append(FolderPage(folder, src_uri, "\n\n".join(parts) + "\n"))
    return pages


def preview_sources(config: Config, guides: Path | None = None) -> list[Path]:
    """The files and folders the site is made from, beyond mkdocs.yml and docs_dir: those that exist."""
    root = config.root
    paths = [root / CONFIG_NAME, root / config.roles_file, root / config.people_file, root / "schemas"]
    paths += [root / folder for folder in config.folders()]
    if guides is not None:
        paths.append(guides)
    git_dir = git_folder(root)
    if git_dir is not None:
        paths.append(git_dir / "logs" / "HEAD")  # written on every commit, checkout and reset; qmskit's caches are not
    existing = {path for path in paths if path.exists()}
    # A file or folder inside a watched folder is watched with it.
    return sorted(path for path in existing if not any(parent in existing for parent in path.parents))
