"""Bank freshness: the follow-up reminds only when the company's bank statements are recent enough.

One setting per company (Settings > Collections): the last statement line of each bank journal may be at
most N days old (0: no check, as installed). The rule is the engine's (``engine/bank_freshness.py``).
"""

from odoo import api, fields, models
from odoo.tools import format_date

from ..engine import BANK_AGE_DAYS, stale_journals


class ResCompany(models.Model):
    _inherit = "res.company"

    collections_bank_max_age_days = fields.Integer(
        string="Bank statements at most (days old)",
        default=0,
        help="The follow-up sends nothing automatically while the last statement line of a bank journal of the "
        "company is older than this many days: customers who paid would be reminded. 0: no check.",
    )

    @api.constrains("collections_bank_max_age_days")
    def _check_collections_bank_max_age_days(self):
        fix = self.env._("enter how many days old the last bank statement may be (0: no check).")
        for company in self:
            company._collections_check_range(
                "collections_bank_max_age_days", company.collections_bank_max_age_days, BANK_AGE_DAYS, fix
            )

    def _collections_stale_bank_journals(self, today):
        """{bank journal: date of its last statement line} of the journals too old for the follow-up."""
        self.ensure_one()
        if not self.collections_bank_max_age_days:
            return {}
        # sudo: the run and the worklist check the bank's dates, whoever looks; only dates are read.
        journals = self.env["account.journal"].sudo().search([("company_id", "=", self.id), ("type", "=", "bank")])
        last = dict.fromkeys(journals)
        for journal, day in (
            self.env["account.bank.statement.line"]
            .sudo()
            ._read_group([("journal_id", "in", journals.ids)], ["journal_id"], ["date:max"])
        ):
            last[journal] = day
        stale = stale_journals(today, self.collections_bank_max_age_days, last)
        return {journal: last[journal] for journal in stale}

    def _collections_bank_warning(self, today=None):
        """The warning the run logs and the worklist and preview show while bank data is stale, else False."""
        self.ensure_one()
        stale = self._collections_stale_bank_journals(today or self._collections_today())
        if not stale:
            return False
        journals = ", ".join(
            self.env._("%(journal)s (last line %(date)s)", journal=journal.name, date=format_date(self.env, day))
            for journal, day in stale.items()
        )
        return self.env._(
            "Bank data older than %(days)s days: %(journals)s. Import and reconcile the bank statement: until "
            "then the follow-up sends nothing automatically.",
            days=self.collections_bank_max_age_days,
            journals=journals,
        )
