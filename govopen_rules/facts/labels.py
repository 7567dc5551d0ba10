"""Chinese names of fact fields, for the people who fill in and read workbooks and reports.

A plugin's fact kind names its own fields with attrs metadata,
``attrs.field(metadata={"label": "听证地点"})``; fields without a label anywhere are shown by
their field name.
"""

from __future__ import annotations

import attrs

__all__ = ["FIELD_LABELS", "UNIT_LABELS", "field_label"]

#: The unit and the file-level fields of a facts file.
UNIT_LABELS = {
    "id": "单位编号",
    "name": "单位名称",
    "kind": "单位类型",
    "category": "单位类别",
    "parent": "上级单位",
    "year": "考核年度",
    "as_of": "核查日期",
}

#: Fields of the built-in fact kinds, by field name (a name means the same in every kind).
FIELD_LABELS = {
    "source": "来源（网址或台账）",
    "note": "备注",
    "document": "文件类别",
    "updated_on": "更新日期",
    "missing_elements": "缺少的要素",
    "topic": "公开事项",
    "published": "是否公开",
    "url": "网址",
    "formed_on": "形成日期",
    "published_on": "发布日期",
    "missing_items": "缺少的内容",
    "title": "标题",
    "doc_number": "文号",
    "normative": "是否规范性文件",
    "filed_on": "备案日期",
    "disclosure_attributes": "公开属性标注",
    "policy_title": "所解读政策标题",
    "policy_published_on": "政策发布日期",
    "domain": "领域",
    "forms": "解读形式",
    "by_principal_leader": "主要负责人解读",
    "by_expert": "专家学者解读",
    "links_to_policy": "与政策相互链接",
    "published_with_policy": "与政策同步发布",
    "complete": "解读内容完整",
    "via_new_media": "通过新媒体发布",
    "own_policy": "解读本单位政策",
    "named_correctly": "栏目命名规范",
    "on_homepage": "首页显著位置",
    "follows_reference_design": "按标准目录建设",
    "updated_timely": "及时更新",
    "received_on": "收到日期",
    "replied_on": "答复日期",
    "extended": "是否延期答复",
    "channel": "渠道",
    "fee_charged": "收费金额（元）",
    "missing_reply_elements": "答复书缺少的要素",
    "late_per_source": "来源称答复超期",
    "satisfaction_rating_available": "设有满意度评价",
    "period": "统计期间",
    "staffed_7x12_hours": "7×12小时人工服务",
    "answered_within_15s_rate": "15秒接通率（%）",
    "quality_check_rate": "质检率（%）",
    "overdue_cases": "超期工单数",
    "name": "名称",
    "platform": "平台",
    "filed": "是否备案",
    "observed_from": "观察期起",
    "observed_to": "观察期止",
    "post_dates": "有更新的日期",
    "original_post_dates": "有原创内容的日期",
    "site": "网站或账号",
    "result": "检查结果",
    "checker": "检查单位",
    "checked_on": "检查日期",
    "included": "纳入综合考核",
    "weight_percent": "权重（%）",
    "leading_group_published": "领导小组已公布",
    "business_training_sessions": "业务培训次数",
    "regulation_study_sessions": "条例学习次数",
    "item": "报送事项",
    "due_on": "截止日期",
    "submitted_on": "报送日期",
    "negative": "是否负面",
    "occurred_on": "发生日期",
    "label": "统计项目",
    "total": "总数",
    "parts": "分项（JSON）",
    "partition": "分项互斥且完整",
    "quote": "原文",
    "indicator": "指标编号",
    "points": "自评得分",
    "problem": "整改问题",
    "reported_on": "整改报告日期",
    "attended": "是否出席",
    "held_on": "举办日期",
    "draft_published": "草案已公开征求意见",
    "feedback_published": "已公开意见采纳反馈",
    "severity": "严重程度",
    "description": "描述",
    "found_on": "发现日期",
    "channels": "申请渠道",
}


def field_label(cls: type, name: str) -> str:
    """The Chinese name of a field: the class's own ``label`` metadata, the table, or the name."""
    if attrs.has(cls):
        field = attrs.fields_dict(cls).get(name)
        if field is not None and isinstance(field.metadata.get("label"), str):
            return str(field.metadata["label"])
    return FIELD_LABELS.get(name, name)
