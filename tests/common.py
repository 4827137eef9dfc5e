import html as html_lib
import re
import time
from datetime import date, datetime, timedelta
from datetime import time as day_time
from unittest.mock import patch

from odoo import Command, fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.tests import new_test_user
from odoo.tests.common import ChromeBrowser

# Tests run on a fixed Monday so that business-day rules give the same answer every day of the year:
# every test class pins the clock (freeze_time) on or around it, browser tours included.
TODAY = date(2026, 3, 16)
# Moments of that day the classes pin: the morning run, and noon (the same day in any time zone of the Americas).
RUN_DAY = "2026-03-16 10:00:00"
NOON = datetime.combine(TODAY, day_time(12, 0))
# The test companies keep their day in UTC: a moment pinned in UTC is the same day for them
# (tests about other time zones give the customer, the calendar or the user their own).
COMPANY_TZ = "UTC"
# UTC-3, no daylight saving time since 2019.
SAO_PAULO = "America/Sao_Paulo"


def text_of(html):
    """The words of an HTML body, for wording checks."""
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))


# The browser has a clock of its own, which freeze_time does not reach: in tours the page's Date starts at the
# server's (pinned) moment, given in milliseconds since the epoch, and runs on, so "today" is the same day on
# both sides (search filters such as "Due today or earlier" are evaluated in the browser).
_PINNED_DATE_JS = """
(() => {
    const RealDate = Date;
    const shift = %d - RealDate.now();
    const now = () => RealDate.now() + shift;
    globalThis.Date = new Proxy(RealDate, {
        construct: (target, args, newTarget) => Reflect.construct(target, args.length ? args : [now()], newTarget),
        apply: () => new RealDate(now()).toString(),
        get: (target, key, receiver) => (key === "now" ? now : Reflect.get(target, key, receiver)),
    });
})();
"""


class PinnedBrowserClock:
    """For HttpCase classes: the browser's page clock starts at the server's moment (see _PINNED_DATE_JS)."""

    def browser_js(self, *args, **kwargs):
        pin = _PINNED_DATE_JS % round(time.time() * 1000)
        navigate_to = ChromeBrowser.navigate_to

        def navigate_on_the_pinned_clock(browser, url, wait_stop=False):
            browser._websocket_request("Page.addScriptToEvaluateOnNewDocument", params={"source": pin})
            return navigate_to(browser, url, wait_stop=wait_stop)

        with patch.object(ChromeBrowser, "navigate_to", navigate_on_the_pinned_clock):
            return super().browser_js(*args, **kwargs)


class CollectionsCase(PinnedBrowserClock, AccountTestInvoicingCommon):
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
        (cls.company | cls.company_2).partner_id.tz = COMPANY_TZ
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

    def make_event(self, partner, channel, state, level=None, moves=None, **values):
        """A contact of ``partner``'s history as the follow-up writes it (the log is the follow-up's alone)."""
        return (
            self.env["collections.event"]
            .sudo()
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": self.company.id,
                    "level_id": (level or self.level_first).id,
                    "channel": channel,
                    "state": state,
                    "move_ids": [Command.set(moves.ids)] if moves else [],
                    **values,
                }
            )
        )

    def render_html(self, report_xmlid, records, user=None, **kwargs):
        """The HTML of a report on ``records``, rendered as ``user`` (default: the test's user)."""
        report = self.env.ref(report_xmlid)
        Report = self.env["ir.actions.report"].with_user(user or self.env.user)
        return Report._render_qweb_html(report, records.ids, **kwargs)[0].decode()

    def open_call_log(self, action, user=None):
        """The call log dialog an action (Log Call on a customer, a call or a task) opened, as ``user``."""
        return self.env["collections.call.log"].with_user(user or self.collector).browse(action["res_id"])

    def events_of(self, partner, **domain):
        return self.env["collections.event"].search(
            [("partner_id", "=", partner.id), *[(key, "=", value) for key, value in domain.items()]]
        )

    def mails_of(self, partner):
        return self.env["mail.mail"].search([("model", "=", "res.partner"), ("res_id", "=", partner.id)])

    @staticmethod
    def today():
        return fields.Date.to_date(TODAY)
