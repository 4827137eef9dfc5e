"""The protest as people see it: a name they recognise, the urgency of its last day to pay, the board's columns."""

from odoo import api, fields, models
from odoo.fields import Domain

from ..engine import BOARD_STATES, URGENCY_CODES, WINDOW_STATES, board_folded, deadline_urgency
from ..engine.protest import urgency_ranges


class CollectionsProtest(models.Model):
    _inherit = "collections.protest"
    _rec_names_search = ["name", "title_number", "partner_id"]

    deadline_urgency = fields.Selection(
        lambda self: self._urgency_selection(),
        string="Urgency",
        compute="_compute_deadline_urgency",
        search="_search_deadline_urgency",
        help="How close the last day to pay is, in the company's days; 'Outcome Due' once it passed without the "
        "notary's outcome recorded.",
    )
    deadline_days_left = fields.Integer(
        string="Days Left to Pay", compute="_compute_deadline_urgency", help="Negative: days since the last day."
    )
    deadline_hint = fields.Char(string="Last Day to Pay In", compute="_compute_deadline_urgency")

    @api.model
    def _urgency_selection(self):
        labels = {
            "later": self.env._("Later"),
            "soon": self.env._("Soon"),
            "today": self.env._("Last Day Today"),
            "late": self.env._("Outcome Due"),
        }
        return [(code, labels[code]) for code in URGENCY_CODES]

    @api.depends("name", "state", "title_number", "move_id", "partner_id")
    def _compute_display_name(self):
        for protest in self:
            # A draft has no reference yet (the notary's sequence is taken when it is sent): named by what it is.
            if protest.name:
                reference = protest.name
            elif protest.state == "draft":
                reference = self.env._("Draft")
            elif protest.state == "cancelled":
                reference = self.env._("Discarded")
            else:
                reference = ""
            title = protest.title_number or protest.move_id.name
            protest.display_name = " - ".join(part for part in (reference, title, protest.partner_id.name) if part)

    @api.depends("state", "deadline_date", "company_id")
    def _compute_deadline_urgency(self):
        today_of = {company: company._collections_today() for company in self.company_id}
        for protest in self:
            today = today_of.get(protest.company_id)
            urgency = today and deadline_urgency(protest.state, protest.deadline_date or None, today)
            protest.deadline_urgency = urgency or False
            protest.deadline_days_left = (protest.deadline_date - today).days if urgency else 0
            protest.deadline_hint = self._deadline_hint(protest.deadline_days_left) if urgency else False

    def _deadline_hint(self, days_left):
        if days_left > 1:
            return self.env._("in %(days)s days", days=days_left)
        if days_left == 1:
            return self.env._("tomorrow")
        if days_left == 0:
            return self.env._("today")
        if days_left == -1:
            return self.env._("yesterday: record the notary's outcome")
        return self.env._("%(days)s days ago: record the notary's outcome", days=-days_left)

    def _search_deadline_urgency(self, operator, value):
        if operator != "in":
            return NotImplemented
        domains = []
        # The day differs between companies: each company's protests are measured by its own day.
        for company in self.env.companies:
            ranges = urgency_ranges(company._collections_today())
            in_window = Domain([("company_id", "=", company.id), ("state", "in", tuple(WINDOW_STATES))])
            domains.extend(in_window & self._deadline_range(*ranges[code]) for code in value if code in ranges)
        if False in value:
            domains.append(Domain([("state", "not in", tuple(WINDOW_STATES))]) | Domain("deadline_date", "=", False))
        return Domain.OR(domains)

    @api.model
    def _deadline_range(self, first, last):
        domain = Domain.TRUE
        if first:
            domain &= Domain("deadline_date", ">=", first)
        if last:
            domain &= Domain("deadline_date", "<=", last)
        return domain

    @api.model
    def _group_expand_states(self, states, domain):
        """Every step of the lifecycle is a column of the board, even when no protest is there."""
        return list(BOARD_STATES)

    @api.model
    @api.readonly
    def formatted_read_group(
        self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None
    ) -> list[dict]:
        groups = super().formatted_read_group(
            domain, groupby, aggregates, having=having, offset=offset, limit=limit, order=order
        )
        # The board folds the empty columns and the endings; Odoo folds only columns of a many2one.
        if self._web_read_group_field_expand(tuple(groupby)) is self._fields["state"] and "__count" in aggregates:
            for group in groups:
                if board_folded(group["state"], group["__count"]):
                    group["__fold"] = True
        return groups
