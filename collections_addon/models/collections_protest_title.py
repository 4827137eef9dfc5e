"""Which receivable a protest takes to the notary: the instalment, its title number, the responsible, and
whether it may be protested at all (in bulk, for the daily proposals)."""

from collections import defaultdict

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..engine import eligibility_problem
from ..engine.negotiation import AGREEMENT_HOLDING_STATES
from ..engine.promise import DISPUTE_PAUSING_STATES, PROMISE_PAUSING_STATES
from ..engine.protest import OPEN_STATES
from ..engine.receivable import RECEIVABLE_ACCOUNT_TYPE


class CollectionsProtest(models.Model):
    _inherit = "collections.protest"

    @api.model
    def _receivable_lines(self, move):
        receivables = move.line_ids.filtered(lambda line: line.account_id.account_type == RECEIVABLE_ACCOUNT_TYPE)
        return receivables.browse(self._receivable_order(move, receivables))

    @api.model
    def _receivable_order(self, move, receivables):
        """The ids of ``move``'s ``receivables`` in title order: by due date, then id."""
        # Today stands in for a missing due date only: most lines have one (and today costs a lookup).
        today = move.company_id._collections_today() if not all(line.date_maturity for line in receivables) else None
        return [line.id for line in sorted(receivables, key=lambda line: (line.date_maturity or today, line.id))]

    @api.model
    def _default_line(self, move):
        """The title of ``move`` to protest: its oldest overdue open receivable not at the notary yet (the only
        receivable, for most invoices)."""
        receivables = self._receivable_lines(move)
        open_lines = receivables.filtered(lambda line: not line.reconciled)
        # sudo: a protest of another collector still takes its instalment.
        taken = (
            self.sudo()
            .search([("move_line_id", "in", open_lines.ids), ("state", "in", tuple(OPEN_STATES))])
            .move_line_id
        )
        free = open_lines - taken
        today = (move.company_id or self.env.company)._collections_today()
        overdue = free.filtered(lambda line: line.date_maturity and line.date_maturity < today)
        return (overdue or free or open_lines or receivables)[:1]

    @api.model
    def _title_number(self, line):
        """The invoice number, with the instalment's position when the invoice has several."""
        return self._title_numbers(line)[line.id]

    @api.model
    def _title_numbers(self, lines):
        """``{line id: title number}`` of the receivable ``lines``, the receivables of all their invoices read in one
        query: the daily run proposes thousands of protests at once."""
        moves = lines.move_id
        receivables_of = defaultdict(list)
        for receivable in self.env["account.move.line"].search_fetch(
            [("move_id", "in", moves.ids), ("account_id.account_type", "=", RECEIVABLE_ACCOUNT_TYPE)],
            ["move_id", "date_maturity"],
        ):
            receivables_of[receivable.move_id.id].append(receivable)
        numbers, position_of = {}, {}
        for line in lines:
            move = line.move_id
            receivables = receivables_of[move.id]
            if len(receivables) < 2:
                numbers[line.id] = move.name
                continue
            if move.id not in position_of:  # an invoice's instalments are ordered once, however many are protested
                order = self._receivable_order(move, receivables)
                position_of[move.id] = {line_id: position for position, line_id in enumerate(order, 1)}
            numbers[line.id] = f"{move.name}-{position_of[move.id][line.id]}"
        return numbers

    @api.model
    def _check_line_of_move(self, line, move):
        if not line or line.account_id.account_type != RECEIVABLE_ACCOUNT_TYPE or (move and line.move_id != move):
            raise UserError(
                self.env._("Choose a receivable (an instalment) of the invoice to protest: this line is not one.")
            )

    @api.model
    def _default_responsible(self, move):
        """The customer's collector in the invoice's company, else its plan's collector, else the current user."""
        partner = move.commercial_partner_id.with_company(move.company_id)
        user = partner.collections_responsible_id or partner._collections_policy(move.company_id).responsible_id
        if not user and not self.env.user._is_superuser() and not self.env.user._is_public():
            user = self.env.user
        return user

    # ------------------------------------------------------------------
    # Eligibility
    # ------------------------------------------------------------------
    def _raise_if_ineligible(self, lines, exclude=None):
        problems = self._eligibility_problems(lines, exclude=exclude)
        if problems:
            raise UserError("\n".join(problems.values()))

    @api.model
    def _eligibility_problems(self, lines, exclude=None):
        """Why each receivable cannot be protested, by line id (texts); receivables that can are left out.

        A few queries for any number of receivables: the daily run proposes protests in bulk.
        """
        if not lines:
            return {}
        # What the checks and the protests' creation read, for every receivable at once (a first read of a field
        # would fetch every column of these wide tables).
        lines.fetch(["move_id", "company_id", "account_id", "reconciled", "amount_residual_currency", "date_maturity"])
        moves = lines.move_id
        moves.fetch(["company_id", "move_type", "state", "name", "commercial_partner_id", "currency_id"])
        exclude = exclude or self.browse()
        today_of = {company: company._collections_today() for company in moves.company_id}
        # sudo: the checks must see every dispute, agreement, promise and protest of these invoices, also those
        # of records the user may not open, or the guard would let a second protest through.
        disputes = (
            self.env["collections.dispute"]
            .sudo()
            .search_fetch([("move_ids", "in", moves.ids), ("state", "in", DISPUTE_PAUSING_STATES)], ["move_ids"])
        )
        negotiations = (
            self.env["collections.negotiation"]
            .sudo()
            .search_fetch(
                [("move_ids", "in", moves.ids), ("state", "in", AGREEMENT_HOLDING_STATES)], ["move_ids", "name"]
            )
        )
        promises = (
            self.env["collections.promise"]
            .sudo()
            .search_fetch(
                [("move_ids", "in", moves.ids), ("state", "in", PROMISE_PAUSING_STATES)], ["move_ids", "date"]
            )
        )
        protests = self.sudo().search_fetch(
            [("move_line_id", "in", lines.ids), ("state", "in", tuple(OPEN_STATES)), ("id", "not in", exclude.ids)],
            ["move_line_id", "name"],
        )
        disputed = set(disputes.move_ids.ids)
        negotiation_of = {move.id: negotiation for negotiation in negotiations for move in negotiation.move_ids}
        promise_of = {move.id: promise for promise in promises for move in promise.move_ids}
        protest_of = {protest.move_line_id.id: protest for protest in protests}
        problems = {}
        for line in lines:
            move = line.move_id
            code = eligibility_problem(
                is_customer_invoice=move.move_type == "out_invoice",
                posted=move.state == "posted",
                residual=0.0 if line.reconciled else line.amount_residual_currency,
                due_date=line.date_maturity or None,
                today=today_of[move.company_id],
                disputed=move.id in disputed,
                negotiating=move.id in negotiation_of,
                promised=move.id in promise_of,
                open_protest=line.id in protest_of,
            )
            if code:
                problems[line.id] = self._eligibility_text(
                    code, line, negotiation_of.get(move.id), promise_of.get(move.id), protest_of.get(line.id)
                )
        return problems

    def _eligibility_text(self, code, line, negotiation, promise, protest):
        move = line.move_id
        invoice = move.name or move.display_name
        texts = {
            "not_invoice": self.env._(
                "%(invoice)s is not a customer invoice: only customer invoices can be protested.", invoice=invoice
            ),
            "draft": self.env._("%(invoice)s is not posted: confirm it before protesting it.", invoice=invoice),
            "negotiation": self.env._(
                "%(invoice)s is part of agreement %(agreement)s: cancel the agreement, or wait until it is broken, "
                "before protesting.",
                invoice=invoice,
                agreement=negotiation and negotiation.name,
            ),
            "paid": self.env._("%(invoice)s is paid: there is nothing to protest.", invoice=invoice),
            "not_due": self.env._(
                "%(invoice)s is not overdue (due %(date)s): a title is protested only after its due date.",
                invoice=invoice,
                date=format_date(self.env, line.date_maturity) if line.date_maturity else "-",
            ),
            "disputed": self.env._(
                "The customer disputes %(invoice)s: resolve the dispute before protesting.", invoice=invoice
            ),
            "promise": self.env._(
                "The customer promised to pay %(invoice)s by %(date)s: wait until the promise is kept or broken.",
                invoice=invoice,
                date=promise and format_date(self.env, promise.date),
            ),
            "open_protest": self.env._(
                "%(invoice)s already has protest %(protest)s in progress: a receivable is protested once at a time.",
                invoice=invoice,
                protest=protest and protest.display_name,
            ),
        }
        return texts[code]
