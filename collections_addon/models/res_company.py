from odoo import api, models

SHIPPED_PLANS = ("collections_addon.collections_policy_person", "collections_addon.collections_policy_company")


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._collections_install_default_plans()
        return companies

    def _collections_install_default_plans(self):
        """Give new companies the shipped plans, so the follow-up works there out of the box too."""
        # sudo: company creation may be done by a user without collections rights; plans are configuration.
        Policy = self.env["collections.policy"].sudo()
        for xmlid in SHIPPED_PLANS:
            template = Policy.env.ref(xmlid, raise_if_not_found=False)
            if not template:
                continue
            for company in self:
                if not Policy.search_count(
                    [("company_id", "=", company.id), ("partner_kind", "=", template.partner_kind)]
                ):
                    template.copy({"company_id": company.id})
