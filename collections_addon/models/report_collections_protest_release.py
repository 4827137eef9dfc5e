from odoo import api, models
from odoo.exceptions import UserError


class ReportCollectionsProtestRelease(models.AbstractModel):
    _name = "report.collections_addon.report_protest_release_letter"
    _description = "Collections: protest release letter"

    @api.model
    def _get_report_values(self, docids, data=None):
        protests = self.env["collections.protest"].browse(docids)
        # The letter declares the debt settled: printing it earlier would hand out a false release.
        unsettled = protests.filtered(lambda protest: not protest.settlement_date)
        if unsettled:
            raise UserError(
                self.env._(
                    "A release letter exists only for a settled protest; %(protests)s is not settled.",
                    protests=", ".join(unsettled.mapped("display_name")),
                )
            )
        return {"doc_ids": docids, "doc_model": "collections.protest", "docs": protests}
