"""The core's own fact vocabulary, registered through the public hooks like any plugin."""

from __future__ import annotations

from govopen_rules.facts import model as f
from govopen_rules.facts.kinds import FactKind
from govopen_rules.facts.kinds import FieldType as T
from govopen_rules.plugins.builtin import derive, derive_records
from govopen_rules.plugins.hookspecs import hookimpl


@hookimpl
def govopen_fact_kinds() -> list[FactKind]:
    return [
        FactKind(
            name=f.GuideCatalogue.KIND,
            cls=f.GuideCatalogue,
            title="政府信息公开指南和目录",
            derived={"updated_in_year": T.BOOL, "missing_element_count": T.INT},
            derive=derive.guide_catalogue,
        ),
        FactKind(
            name=f.DisclosureItem.KIND,
            cls=f.DisclosureItem,
            title="主动公开事项",
            derived={"missing_item_count": T.INT, "publish_delay_workdays": T.INT},
            derive=derive.disclosure_item,
        ),
        FactKind(
            name=f.PolicyDocument.KIND,
            cls=f.PolicyDocument,
            title="政策文件",
            derived={"filing_delay_workdays": T.INT, "disclosure_attribute_valid": T.BOOL},
            derive=derive.policy_document,
        ),
        FactKind(
            name=f.OfficialDocument.KIND,
            cls=f.OfficialDocument,
            title="公文",
            derived={"disclosure_attribute_count": T.INT, "disclosure_attribute_valid": T.BOOL},
            derive=derive_records.official_document,
        ),
        FactKind(
            name=f.PolicyInterpretation.KIND,
            cls=f.PolicyInterpretation,
            title="政策解读",
            derived={"delay_workdays": T.INT, "form_count": T.INT},
            derive=derive.policy_interpretation,
        ),
        FactKind(
            name=f.DisclosurePlatform.KIND, cls=f.DisclosurePlatform, title="政府信息公开平台"
        ),
        FactKind(
            name=f.InformationRequest.KIND,
            cls=f.InformationRequest,
            title="依申请公开",
            derived={
                "deadline": T.DATE,
                "reply_workdays": T.INT,
                "overdue": T.BOOL,
                "replied": T.BOOL,
                "missing_reply_element_count": T.INT,
                "reply_defect_count": T.INT,
            },
            derive=derive.information_request,
        ),
        FactKind(
            name=f.ApplicationChannels.KIND, cls=f.ApplicationChannels, title="依申请公开渠道"
        ),
        FactKind(
            name=f.Consultation.KIND,
            cls=f.Consultation,
            title="政务咨询与留言",
            derived={"reply_workdays": T.INT, "unanswered_workdays": T.INT, "replied": T.BOOL},
            derive=derive.consultation,
        ),
        FactKind(name=f.HotlineFigures.KIND, cls=f.HotlineFigures, title="12345热线数据"),
        FactKind(
            name=f.HotlineCase.KIND,
            cls=f.HotlineCase,
            title="12345热线工单",
            derived={
                "deadline": T.DATE,
                "closed": T.BOOL,
                "overdue": T.BOOL,
                "days_overdue": T.INT,
            },
            derive=derive_records.hotline_case,
        ),
        FactKind(
            name=f.NewMediaAccount.KIND,
            cls=f.NewMediaAccount,
            title="政务新媒体账号",
            derived={
                "silent_workdays": T.DATE_LIST,
                "workdays_without_post": T.INT,
                "longest_days_without_original": T.INT,
                "days_since_last_post": T.INT,
            },
            derive=derive.new_media_account,
        ),
        FactKind(name=f.WebsiteCheck.KIND, cls=f.WebsiteCheck, title="网站检查"),
        FactKind(
            name=f.WebsiteInspection.KIND,
            cls=f.WebsiteInspection,
            title="政府网站检查（国办秘函〔2019〕19号）",
            derived={
                "serious_problem_count": T.INT,
                "unreachable_percent": T.DECIMAL,
                "homepage_stale_days": T.INT,
            },
            derive=derive_records.website_inspection,
        ),
        FactKind(name=f.AssessmentWeight.KIND, cls=f.AssessmentWeight, title="考核权重"),
        FactKind(name=f.OrganisationTraining.KIND, cls=f.OrganisationTraining, title="组织与培训"),
        FactKind(
            name=f.Submission.KIND,
            cls=f.Submission,
            title="材料报送",
            derived={"submitted": T.BOOL, "late": T.BOOL},
            derive=derive.submission,
        ),
        FactKind(
            name=f.PeriodicReport.KIND,
            cls=f.PeriodicReport,
            title="定期报送",
            derived={"period_start": T.DATE, "period_end": T.DATE, "submitted": T.BOOL},
            derive=derive_records.periodic_report,
        ),
        FactKind(name=f.PublicOpinionIncident.KIND, cls=f.PublicOpinionIncident, title="舆情事件"),
        FactKind(
            name=f.StatisticsBreakdown.KIND,
            cls=f.StatisticsBreakdown,
            title="统计数据分项",
            derived={"parts_sum": T.INT, "parts_add_up": T.BOOL, "percent_mismatch_count": T.INT},
            derive=derive.statistics_breakdown,
        ),
        FactKind(name=f.SelfScore.KIND, cls=f.SelfScore, title="自评分"),
        FactKind(
            name=f.Rectification.KIND,
            cls=f.Rectification,
            title="整改",
            derived={"late": T.BOOL},
            derive=derive.rectification,
        ),
        FactKind(name=f.PressConference.KIND, cls=f.PressConference, title="新闻发布会"),
        FactKind(name=f.DecisionConsultation.KIND, cls=f.DecisionConsultation, title="决策预公开"),
        FactKind(
            name=f.SurveyActivity.KIND,
            cls=f.SurveyActivity,
            title="调查征集",
            derived={"held_in_year": T.BOOL},
            derive=derive.survey_activity,
        ),
        FactKind(name=f.ContentError.KIND, cls=f.ContentError, title="内容差错"),
    ]
