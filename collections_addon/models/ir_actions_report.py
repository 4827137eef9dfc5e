import functools
import subprocess

from odoo import models
from odoo.addons.base.models.ir_actions_report import _wkhtml

# Reports printed for many customers (or letters) at once.
_MULTI_RECORD_REPORTS = {
    "collections_addon.report_collections_statement",
    "collections_addon.report_collections_letter",
}


@functools.cache
def _wkhtmltopdf_has_patched_qt():
    """Only builds with patched Qt print several documents in one call ("... (with patched qt)")."""
    try:
        output = subprocess.run([_wkhtml().bin, "--version"], check=False, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return "patched qt" in output.stdout.lower()


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        report = self._get_report(report_ref)
        if (
            report.report_name in _MULTI_RECORD_REPORTS
            and res_ids
            and len(res_ids) > 1
            and not _wkhtmltopdf_has_patched_qt()
        ):
            # The wkhtmltopdf of Linux distributions (unpatched Qt) cannot print several documents in
            # one call; one call per customer, merged by Odoo afterwards, works with every build.
            streams = {}
            for res_id in res_ids:
                streams.update(super()._render_qweb_pdf_prepare_streams(report_ref, dict(data), res_ids=[res_id]))
            return streams
        return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
