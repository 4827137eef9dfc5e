"""Reporting: what each contact recovered, one row per contact that went out (stored, refreshed in bulk).

A row is a ``collections.event`` that really reached the customer (sent, delivered or read; e-mail, SMS,
WhatsApp, letter or call; not the thank-you), with its dimensions and what the accounting says it recovered
(``engine.recovery``: reconciliations of the receivable lines it covered, counted for the last contact before
them, within 7, 15 and 30 days), gathered by ``recovery_contacts.contact_recoveries`` as for the A/B figures.
"""

from odoo import api, fields, models
from odoo.tools import SQL, split_every

from ..engine import CONTACT_CHANNELS
from ..engine.contact_log import WENT_OUT_STATES
from ..engine.recovery import RECOVERY_WINDOWS
from .collections_event import _CHANNEL_LABELS
from .collections_level import SCRIPT_FIELDS
from .recovery_contacts import contact_recoveries

_KIND_LABELS = {"company": "Company", "individual": "Individual"}
_INSERT_CHUNK = 1000


class CollectionsReportRecovery(models.Model):
    _name = "collections.report.recovery"
    _description = "Collections Recovery Analysis"
    _order = "date desc, id desc"
    _log_access = False

    event_id = fields.Many2one("collections.event", string="Contact", readonly=True, index=True)
    date = fields.Date(string="Contact Date", readonly=True, index=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True, index=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index=True)
    customer_kind = fields.Selection(
        list(_KIND_LABELS.items()),
        string="Customer Kind",
        readonly=True,
        help="Company or individual, as the customer's contact form says (Company / Individual).",
    )
    level_id = fields.Many2one("collections.level", string="Level", readonly=True)
    policy_id = fields.Many2one("collections.policy", string="Plan", readonly=True)
    channel = fields.Selection([(code, _CHANNEL_LABELS[code]) for code in CONTACT_CHANNELS], readonly=True)
    mail_template_id = fields.Many2one(
        "mail.template", string="E-mail Template", readonly=True, help="The template of an e-mail contact."
    )
    script_id = fields.Many2one(
        "collections.script", string="Script", readonly=True, help="The text of an SMS, WhatsApp, letter or call."
    )
    variant_id = fields.Many2one("collections.level.variant", string="A/B Variant", readonly=True)
    user_id = fields.Many2one("res.users", string="Contacted by", readonly=True)
    collector_id = fields.Many2one("res.users", string="Collector", readonly=True, index=True)
    contact_count = fields.Integer(string="Contacts", readonly=True, aggregator="sum")
    customer_ref = fields.Integer(
        string="Customers Contacted",
        readonly=True,
        aggregator="count_distinct",
        help="Distinct customers among the contacts.",
    )
    covered_amount = fields.Monetary(
        string="Covered Amount", readonly=True, help="What the contact's invoices owed (company currency)."
    )
    paid_full_7 = fields.Integer(string="Paid in Full (7 Days)", readonly=True)
    paid_full_15 = fields.Integer(string="Paid in Full (15 Days)", readonly=True)
    paid_full_30 = fields.Integer(string="Paid in Full (30 Days)", readonly=True)
    paid_part_7 = fields.Integer(string="Paid in Part (7 Days)", readonly=True)
    paid_part_15 = fields.Integer(string="Paid in Part (15 Days)", readonly=True)
    paid_part_30 = fields.Integer(string="Paid in Part (30 Days)", readonly=True)
    paid_any_7 = fields.Integer(string="Paid (7 Days)", readonly=True)
    paid_any_15 = fields.Integer(string="Paid (15 Days)", readonly=True)
    paid_any_30 = fields.Integer(string="Paid (30 Days)", readonly=True)
    recovered_7 = fields.Monetary(string="Recovered (7 Days)", readonly=True)
    recovered_15 = fields.Monetary(string="Recovered (15 Days)", readonly=True)
    recovered_30 = fields.Monetary(string="Recovered (30 Days)", readonly=True)
    days_to_payment = fields.Integer(
        string="Days to Payment (Average)",
        readonly=True,
        aggregator="avg",
        help="Days from the contact to the first payment counted for it (contacts paid within 30 days).",
    )
    days_to_payment_median = fields.Float(
        string="Days to Payment (Median)", readonly=True, aggregator="median", digits=(16, 1)
    )

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        # The median, which SQL's aggregates lack: the pivot and the grouped list ask for "field:median".
        if aggregate_spec.endswith(":median"):
            fname = aggregate_spec.removesuffix(":median")
            if fname not in self._fields or self._fields[fname].type not in ("integer", "float", "monetary"):
                raise ValueError(f"Invalid aggregate {aggregate_spec!r}: the median needs a number field.")
            column = self._field_to_sql(self._table, fname, query)
            return SQL("percentile_cont(0.5) WITHIN GROUP (ORDER BY %s)", column)
        return super()._read_group_select(aggregate_spec, query)

    # ------------------------------------------------------------------
    # Refresh
    # ------------------------------------------------------------------

    @api.model
    def _refresh_report(self, companies):
        """Replace the rows of ``companies`` by the contacts' recovery as the accounting says it now."""
        if not companies:
            return
        self.env.flush_all()
        cr = self.env.cr
        events = self._gather_events(companies)
        recoveries = contact_recoveries(self.env, [(row[0], row[1], row[3]) for row in events])
        cr.execute(SQL("DELETE FROM %s WHERE company_id = ANY(%s)", SQL.identifier(self._table), companies.ids))
        rows = [self._row(event, recovery) for event, recovery in zip(events, recoveries, strict=True)]
        columns = SQL(", ").join(SQL.identifier(name) for name in self._row_columns())
        for chunk in split_every(_INSERT_CHUNK, rows):
            values = SQL(", ").join(SQL("%s", tuple(row)) for row in chunk)
            cr.execute(SQL("INSERT INTO %s (%s) VALUES %s", SQL.identifier(self._table), columns, values))
        self.invalidate_model()
        # The activity report reads the amounts recovered after each collector's contacts from these rows.
        self.env["collections.report.activity"]._refresh_report(companies)

    def _gather_events(self, companies):
        """The contacts of ``companies`` with their dimensions, one query (see ``_row_columns`` for the order)."""
        scripts = SQL(" ").join(
            SQL(
                "WHEN %s THEN COALESCE(variant.%s, level.%s)",
                channel,
                SQL.identifier(field_name),
                SQL.identifier(field_name),
            )
            for channel, field_name in SCRIPT_FIELDS.items()
        )
        self.env.cr.execute(
            SQL(
                """SELECT event.id, event.date, event.company_id, customer.id,
                          CASE WHEN customer.is_company THEN 'company' ELSE 'individual' END,
                          event.level_id, level.policy_id, event.channel,
                          CASE WHEN event.channel = 'email'
                               THEN COALESCE(variant.mail_template_id, level.mail_template_id) END,
                          CASE event.channel %s END,
                          event.variant_id, event.user_id,
                          (customer.collections_responsible_id ->> event.company_id::text)::int,
                          company.currency_id
                     FROM collections_event event
                     JOIN res_partner partner ON partner.id = event.partner_id
                     JOIN res_partner customer ON customer.id = COALESCE(partner.commercial_partner_id, partner.id)
                     JOIN res_company company ON company.id = event.company_id
                LEFT JOIN collections_level level ON level.id = event.level_id
                LEFT JOIN collections_level_variant variant ON variant.id = event.variant_id
                    WHERE event.company_id = ANY(%s)
                      AND event.state IN %s
                      AND event.channel IN %s
                      AND event.is_thanks IS NOT TRUE
                 ORDER BY event.id""",
                scripts,
                companies.ids,
                WENT_OUT_STATES,
                CONTACT_CHANNELS,
            )
        )
        return self.env.cr.fetchall()

    @staticmethod
    def _row_columns():
        return (
            "event_id",
            "date",
            "company_id",
            "partner_id",
            "customer_kind",
            "level_id",
            "policy_id",
            "channel",
            "mail_template_id",
            "script_id",
            "variant_id",
            "user_id",
            "collector_id",
            "currency_id",
            "contact_count",
            "customer_ref",
            "covered_amount",
            *(f"{kind}_{window}" for kind in ("paid_full", "paid_part", "paid_any") for window in RECOVERY_WINDOWS),
            *(f"recovered_{window}" for window in RECOVERY_WINDOWS),
            "days_to_payment",
            "days_to_payment_median",
        )

    @staticmethod
    def _row(event, recovery):
        paid_any = tuple(amount > 0 for amount in recovery.recovered)
        return (
            *event,
            1,
            event[3],
            recovery.covered,
            *(int(flag) for flags in (recovery.paid_full, recovery.paid_part, paid_any) for flag in flags),
            *recovery.recovered,
            recovery.days_to_first_payment,
            recovery.days_to_first_payment,
        )

    # ------------------------------------------------------------------
    # Dashboard
    # ------------------------------------------------------------------

    @api.model
    def _dashboard_figures(self, company, date_from, date_to):
        """Headline figures of the contacts of ``company`` from ``date_from`` to ``date_to`` (contact days):

        ``contacts`` (int), ``customers`` (int: distinct customers contacted), ``paid_30`` (int: contacts paid
        in full or in part within 30 days), ``recovered_30`` (float, company currency), ``median_days`` (float
        or None: median days from a contact to its first payment, over the contacts paid within 30 days).
        Read as the current user: a collector gets the figures of their own customers.
        """
        domain = [("company_id", "=", company.id), ("date", ">=", date_from), ("date", "<=", date_to)]
        [(contacts, customers, paid, recovered, median)] = self._read_group(
            domain,
            aggregates=[
                "contact_count:sum",
                "customer_ref:count_distinct",
                "paid_any_30:sum",
                "recovered_30:sum",
                "days_to_payment_median:median",
            ],
        )
        return {
            "contacts": contacts or 0,
            "customers": customers or 0,
            "paid_30": paid or 0,
            "recovered_30": float(recovered or 0.0),
            # No paid contact: the aggregate is empty (None or False), not zero days.
            "median_days": None if median is None or median is False else float(median),
        }
