"""Words the site shows around document data, in the site's language."""

from __future__ import annotations

EN = {
    "id": "Document", "revision": "Revision", "status": "Status", "effective": "Effective",
    "in_force_from": "in force from", "owner": "Owner", "approvers": "Approved by", "next_review": "Next review",
    "history": "Revision history", "change": "Change", "authors": "Authors", "approvals": "Approvals",
    "commit": "Commit", "before_adoption": "approved before adoption", "register": "Master document register",
    "title": "Title", "type": "Type",
    "uncontrolled": "Uncontrolled when printed: check the current revision on the site.",
    "draft": "DRAFT: not approved, not in force.", "obsolete": "OBSOLETE: withdrawn, not in force.",
    "successor": "Replaced by",
    "records": "Records register", "record": "Record", "procedure": "Procedure", "date": "Date",
    "retention": "Retention", "roles": "Roles and responsibilities", "role": "Role", "holders": "Held by",
    "owns": "Owns", "approves": "Approves", "reads": "Must read", "in_force_on": "Revisions in force on", "reviewed": "reviewed",
    "kind": "Kind", "dispose_after": "May be disposed of after", "record_history": "Record history",
    "permanent": "permanent", "on_paper": "approved on paper",
    "overdue": "overdue", "acknowledged": "Read and understood",
    "acknowledged_of": "{done} of {total} readers have acknowledged revision {revision}",
    "status_draft": "draft", "status_review": "in review", "status_effective": "effective",
    "status_obsolete": "obsolete", "status_open": "open", "status_closed": "closed",
    "left_out": "(Left out: an include of a document this site does not publish.)",
    "left_out_web": "(Left out: text included from a web address, which is not a controlled document.)",
}
ZH = {
    "id": "文件编号", "revision": "版本", "status": "状态", "effective": "生效日期", "in_force_from": "自此日起施行",
    "owner": "归口部门", "approvers": "批准", "next_review": "下次评审", "history": "修订记录", "change": "修订内容",
    "authors": "编写", "approvals": "批准记录", "commit": "提交", "before_adoption": "启用前已批准",
    "register": "受控文件清单", "title": "名称", "type": "类别",
    "uncontrolled": "打印件为非受控文件：请在网站上核对现行版本。",
    "draft": "草稿：未经批准，不得执行。", "obsolete": "作废：已撤销，不得执行。", "successor": "替代文件",
    "records": "记录清单", "record": "记录编号", "procedure": "程序文件", "date": "日期", "retention": "保存期限",
    "roles": "职责与权限", "role": "岗位", "holders": "任职人员", "owns": "归口文件", "approves": "批准文件",
    "reads": "应阅文件", "in_force_on": "现行版本截至", "reviewed": "审核",
    "kind": "记录类别", "dispose_after": "保存期满日期", "record_history": "记录变更历史", "permanent": "永久保存",
    "on_paper": "纸质批准",
    "status_draft": "草稿", "status_review": "审核中", "status_effective": "现行有效", "status_obsolete": "作废",
    "status_open": "未关闭", "status_closed": "已关闭",
    "alert_note": "注意", "alert_tip": "提示", "alert_important": "重要", "alert_warning": "警告", "alert_caution": "小心",
    "overdue": "已逾期", "acknowledged": "阅读确认", "acknowledged_of": "{total} 名应阅人员中 {done} 名已确认阅读第 {revision} 版",
    "kind_audit": "内部审核", "kind_nonconformity": "不合格", "kind_corrective-action": "纠正措施",
    "kind_management-review": "管理评审", "kind_satisfaction-survey": "满意度调查", "kind_training": "培训",
    "left_out": "（已略去：此处引用的文件不在本网站发布。）",
    "left_out_web": "（已略去：此处引用网络地址上的文字，不是受控文件。）",
}


def labels(language: str) -> dict[str, str]:
    return ZH if language.lower().startswith("zh") else EN
