"""The adoption plan as text for people and as one JSON object for tools."""

from __future__ import annotations

import json
from typing import Any

from qms.adoption.model import PEOPLE_FILE, ROLES_FILE, AdoptionPlan


def plan_json(plan: AdoptionPlan) -> dict[str, Any]:
    return {
        "root": str(plan.root),
        "organisation": plan.organisation,
        "revision_scheme": plan.revision_scheme,
        "types": [{"name": t.name, "folder": t.folder, "id_pattern": t.id_pattern, "documents": t.documents,
                   "extra_keys": sorted(t.extra_keys)} for t in plan.types],
        "documents": [{"path": d.path, "source": d.source, "id": d.id, "type": d.type, "title": d.title,
                       "revision": d.revision, "status": d.status, "effective": d.effective,
                       "adds": list(d.add), "renames": d.rename,
                       "status_word": list(d.status_word) if d.status_word else None,
                       "revision_table_rows": d.revision_rows, "notes": d.notes} for d in plan.documents],
        "left_out": [{"path": p, "why": why} for p, why in sorted(plan.left_out)],
        "front_matter": {"keys": plan.key_map, "status": plan.status_map,
                         "how": "renamed in the files" if plan.rename_keys or not plan.mapping_supported
                         else "mapped in qms.yml"},
        "not_controlled": plan.not_controlled,
        "roles": [{"id": r.id, "title": r.title, "reports_to": r.reports_to, "named_in": r.documents}
                  for r in plan.roles],
        "people": [{"id": p.id, "name": p.name, "emails": p.emails, "commits": p.commits, "roles": []}
                   for p in plan.people],
        "files": {name: "kept" if there else "written" for name, there in plan.existing.items()},
        "uncommitted": plan.uncommitted,
        "unclear": plan.unclear,
    }


def plan_text(plan: AdoptionPlan) -> str:
    out: list[str] = []
    source = f"git, {_count(plan.commits, 'commit')}" if plan.git else "not a git repository"
    out.append(f"Adoption plan for {plan.root} ({source}): {_count(len(plan.documents), 'document')}, "
               f"{_count(len(plan.left_out), 'file')} left out.")
    out.append(f"Organisation: {plan.organisation or '(not given: --organisation NAME)'}; revision scheme: "
               f"{plan.revision_scheme}.")
    out.append("")
    out.append("Types (qms.yml types:):")
    for spec in plan.types:
        extra = f", other keys kept: {', '.join(sorted(spec.extra_keys))}" if spec.extra_keys else ""
        out.append(f"  {spec.name}: {_count(spec.documents, 'document')} in {spec.folder}/, ids {spec.id_pattern}{extra}")
    if plan.key_map or plan.status_map:
        how = "renamed in the files" if plan.rename_keys or not plan.mapping_supported else "mapped in qms.yml (front_matter:)"
        out.append(f"Foreign front-matter, {how}:")
        out += [f"  key {k} -> {v}" for k, v in sorted(plan.key_map.items())]
        out += [f"  status {k} -> {v}" for k, v in sorted(plan.status_map.items())]
    out.append("")
    out.append("Documents:")
    for doc in plan.documents:
        origin = f" (from {doc.source})" if doc.from_word else ""
        what = ("adds " + ", ".join(doc.add)) if doc.add else "front-matter complete"
        if doc.rename:
            what += "; renames " + ", ".join(f"{k} -> {v}" for k, v in doc.rename.items())
        if doc.status_word:
            what += f"; status {doc.status_word[0]} -> {doc.status_word[1]}"
        out.append(f"  {doc.path}{origin}: {doc.id} {doc.type} rev {doc.revision} {doc.status}"
                   f"{' since ' + doc.effective if doc.effective else ''}: {doc.title}  [{what}]")
        out += [f"      note: {note}" for note in doc.notes]
    if plan.left_out:
        out.append("")
        out.append("Left out:")
        out += [f"  {path}: {why}" for path, why in sorted(plan.left_out)]
    out.append("")
    files = ", ".join(f"{name} ({'kept as it is' if there else 'written'})" for name, there in plan.existing.items())
    out.append(f"Settings: {files}.")
    out.append(f"Roles drafted ({ROLES_FILE}): " + ", ".join(
        f"{r.id}" + (f" (named in {len(r.documents)})" if r.documents else "") for r in plan.roles))
    out.append(f"People drafted from git ({PEOPLE_FILE}), roles left for you to fill in:")
    out += [f"  {p.id}: {p.name} <{', '.join(p.emails)}>, {_count(p.commits, 'commit')}" for p in plan.people]
    out.append("Writes no starter set and no templates.")
    if plan.unclear:
        out.append("")
        out.append("Unclear, for you to decide:")
        out += [f"  - {item}" for item in plan.unclear]
    return "\n".join(out)


def plan_json_text(plan: AdoptionPlan) -> str:
    return json.dumps(plan_json(plan), ensure_ascii=False, indent=2)


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"
