"""WeeklyReportWorkflow: started every Monday morning by a Temporal Schedule, it has
last week's management report mailed to every manager (one activity, retried until
the mail server takes it; a manager already mailed that week is not mailed again)."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contracts.activities import ReportActivityApi
    from contracts.reports import WeeklyReportInput, WeeklyReportResult
    from workflows.options import MAIL_REPORT_ACTIVITY


@workflow.defn
class WeeklyReportWorkflow:
    @workflow.run
    async def run(self, inp: WeeklyReportInput) -> WeeklyReportResult:
        # The day is fixed once, in the workflow: every retry reports the same week.
        as_of = inp.as_of or workflow.now().date().isoformat()
        return await workflow.execute_activity_method(
            ReportActivityApi.mail_weekly_report,
            WeeklyReportInput(as_of=as_of),
            **MAIL_REPORT_ACTIVITY,
        )
