from datetime import date, timedelta

from odoo import Command, fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.tests import new_test_user

# Tests run on a fixed Monday so that business-day rules give the same answer every day of the year.
TODAY = date(2026, 3, 16)


class CollectionsCase(AccountTestInvoicingCommon):
    """A company with a small test plan, customers and helpers to post invoices by age."""

    @classmethod
    def get_default_groups(cls):
        # The accountant running these tests also manages collections.
        return super().get_default_groups() | cls.env.ref("collections_addon.group_collections_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.email = "billing@company.example"
        cls.env["collections.policy"].search([("company_id", "=", cls.company.id)]).write({"is_default": False})
        cls.template_first = cls.env.ref("collections_addon.mail_template_collections_first_reminder")
        cls.template_pre_due = cls.env.ref("collections_addon.mail_template_collections_pre_due")
        cls.call_script = cls.make_script(
            "call", "Hello, {{ customer }}. Is everything ok with the invoices {{ invoices }} ({{ amount }})?"
        )
        cls.policy = cls.env["collections.policy"].create(
            {
                "name": "Test plan",
                "company_id": cls.company.id,
                "partner_kind": "any",
                "min_contact_gap": 3,
                "level_ids": [
                    Command.create(
                        {
                            "name": "Before due",
                            "days": -3,
                            "send_email": True,
                            "mail_template_id": cls.template_pre_due.id,
                        }
                    ),
                    Command.create(
                        {"name": "First", "days": 5, "send_email": True, "mail_template_id": cls.template_first.id}
                    ),
                    Command.create(
                        {
                            "name": "Call",
                            "days": 20,
                            "send_email": True,
                            "mail_template_id": cls.template_first.id,
                            "schedule_call": True,
                            "call_script_id": cls.call_script.id,
                        }
                    ),
                    Command.create({"name": "Protest", "days": 60, "auto_execute": False, "escalation": "protest"}),
                ],
            }
        )
        cls.policy.is_default = True
        cls.level_pre, cls.level_first, cls.level_call, cls.level_protest = cls.policy.level_ids.sorted("days")
        # Most real databases have several companies: a second one, which the manager also works in.
        cls.company_2 = cls.setup_other_company(name="Collections Branch")["company"]
        cls.collector = cls.make_user("collector", "collections_addon.group_collections_user", name="Carla Collector")
        cls.manager = cls.make_user(
            "collections_manager",
            "collections_addon.group_collections_manager",
            company_ids=[Command.set((cls.company | cls.company_2).ids)],
        )
        cls.runner = cls.env["collections.runner"]

    @classmethod
    def make_user(cls, login, groups, company=None, **values):
        """A user of ``company`` (default: the test company) only; the password is the login."""
        company = company or cls.company
        values.setdefault("company_ids", [Command.set(company.ids)])
        return new_test_user(
            cls.env, login=login, groups=groups, company_id=company.id, email=f"{login}@company.example", **values
        )

    @classmethod
    def make_script(cls, channel, body, **values):
        return cls.env["collections.script"].create(
            {"name": f"Test {channel} script", "channel": channel, "body": body, **values}
        )

    @classmethod
    def make_customer(cls, name, email=True, **values):
        return cls.env["res.partner"].create(
            {"name": name, "email": f"{name.lower().replace(' ', '.')}@customer.example" if email else False, **values}
        )

    @classmethod
    def make_invoice(cls, partner, amount, days_late, currency=None, company=None, post=True, move_type="out_invoice"):
        """A posted customer invoice due ``days_late`` days before TODAY (negative: not yet due)."""
        company = company or cls.company
        due = TODAY - timedelta(days=days_late)
        invoice = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": min(due, TODAY),
                    "invoice_date_due": due,
                    "invoice_payment_term_id": False,
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_line_ids": [
                        Command.create({"name": "Service", "quantity": 1, "price_unit": amount, "tax_ids": []})
                    ],
                }
            )
        )
        invoice.invoice_date_due = due
        if post:
            invoice.action_post()
        return invoice

    def send_now(self, partners, user=None):
        """*Send* on the worklist or the customer: the dialog shows what goes out, then its Send button."""
        user = user or self.collector
        action = partners.with_user(user).action_collections_send_now()
        return self.env[action["res_model"]].with_user(user).browse(action["res_id"]).action_send()

    def run_followup(self, company=None, **kwargs):
        return self.runner._run(company or self.company, **kwargs)

    def events_of(self, partner, **domain):
        return self.env["collections.event"].search(
            [("partner_id", "=", partner.id), *[(key, "=", value) for key, value in domain.items()]]
        )

    def mails_of(self, partner):
        return self.env["mail.mail"].search([("model", "=", "res.partner"), ("res_id", "=", partner.id)])

    @staticmethod
    def today():
        return fields.Date.to_date(TODAY)
