import functools
import subprocess

import lxml.html

from odoo import models
from odoo.addons.base.models.ir_actions_report import _wkhtml

# Reports printed for many customers (or letters) at once.
_MULTI_RECORD_REPORTS = {
    "collections_addon.report_collections_statement",
    "collections_addon.report_collections_letter",
}
# Documents the customer receives: they carry the company header on every wkhtmltopdf build.
_CUSTOMER_DOCUMENTS = {
    *_MULTI_RECORD_REPORTS,
    "collections_addon.report_collections_agreement",
    "collections_addon.report_protest_release_letter",
}
_LETTERS_REPORT = "collections_addon.report_collections_letter"
# The letters PDF kept by "Print Letters" is downloaded again through the report action, not re-rendered.
PRINTED_LETTERS_KEY = "collections_printed_letters_attachment_id"
# Top margin (mm) of a page whose header is printed in its body.
_INLINE_HEADER_MARGIN_TOP = 12
_CLASS_XPATH = "//div[contains(concat(' ', normalize-space(@class), ' '), ' {} ')]"


def _inline_headers(html):
    """Move each document's header block to the top of its page body.

    wkhtmltopdf builds without patched Qt (those of Linux distributions) ignore the separate
    header file Odoo gives them: the company's name, logo and address would be missing.
    """
    root = lxml.html.fromstring(html, parser=lxml.html.HTMLParser(encoding="utf-8"))
    for header in root.xpath(_CLASS_XPATH.format("header")):
        article = header.getnext()
        while article is not None and "article" not in (article.get("class") or "").split():
            article = article.getnext()
        if article is None:
            continue
        header.getparent().remove(header)
        classes = ["o_collections_inline_header" if name == "header" else name for name in header.get("class").split()]
        header.set("class", " ".join(classes))
        article.insert(0, header)
    # The page's top margin no longer has a header to hold.
    root.set("data-report-margin-top", str(_INLINE_HEADER_MARGIN_TOP))
    root.set("data-report-header-spacing", "0")
    return lxml.html.tostring(root, encoding="utf-8")


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

    def _prepare_html(self, html, report_model=False):
        if self.report_name in _CUSTOMER_DOCUMENTS and not _wkhtmltopdf_has_patched_qt():
            html = _inline_headers(html)
        return super()._prepare_html(html, report_model=report_model)

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        attachment_id = (data or {}).get(PRINTED_LETTERS_KEY)
        if attachment_id and not res_ids and self._get_report(report_ref).report_name == _LETTERS_REPORT:
            return self.env["collections.event"]._printed_letters_pdf(attachment_id), "pdf"
        return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
