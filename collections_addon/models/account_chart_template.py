from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        result = super()._post_load_data(template_code, company, template_data)
        # Agreements and protests book entries: a company with a chart gets their journals and accounts at once.
        self.env["res.company"]._collections_fill_accounting_defaults(company or self.env.company)
        return result
