"""Every reminder says how to pay the amount due now: e-mail, text messages, letters, call scripts, the preview.

This database has no payment QR method: the messages carry the amount with its charges and Odoo's payment link,
no QR code and no error. ``test_pay_now_pix.py`` checks the Pix code in the same messages with ``l10n_br``.
"""

from odoo.tests import Form, freeze_time, tagged
from odoo.tools import format_amount

from .common import NOON, text_of
from .common_pay_now import PayNowMixin
from .common_run import RunCase

PHONE = "+55 11 91234-5678"


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestPayNowInMessages(PayNowMixin, RunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_pay_now(cls.company)
        cls.customer = cls.make_customer("Paula Payer", phone=PHONE)
        # 8 days late, at the first reminder: fine 2 % = 20.00, interest 1 % a month for 8 days = 2.67.
        cls.invoice = cls.make_invoice(cls.customer, 1000, 8)

    def money(self, amount):
        """``amount`` as the customer reads it (spaces as ``text_of`` leaves them)."""
        return text_of(format_amount(self.env, amount, self.company.currency_id))

    def open_dialog(self):
        action = self.customer.with_user(self.collector).action_collections_send_now()
        return Form(self.env["collections.send"].with_user(self.collector).browse(action["res_id"]))

    def test_the_e_mail_itemises_the_charges_and_links_to_the_online_payment(self):
        self.run_followup()
        mail = self.mails_of(self.customer)
        body = text_of(mail.body_html)
        self.assertIn("How to pay", body)
        for label, amount in (("Principal", 1000), ("Late payment fine", 20), ("Interest", 2.67)):
            self.assertIn(f"{label} {self.money(amount)}", body)
        self.assertIn(f"Amount to pay now: {self.money(1022.67)}", body)
        self.assertNotIn("QR code", body, "no QR method applies here: no QR code, no error")
        self.assertNotIn("This link pays invoice", body, "one invoice: the link pays all of it")
        path, query = self.link_query(self.pay_now_link(mail.body_html))
        self.assertEqual((path, float(query["amount"])), (f"/my/invoices/{self.invoice.id}", 1022.67))
        link = self.pay_now_link(mail.body_html).replace("&", "&amp;")
        self.assertIn(link, mail.mail_message_id.body, "the chatter keeps the link")

    def pay_now_link(self, html):
        marker = 'href="'
        start = html.index(marker, html.index("How to pay")) + len(marker)
        return html[start : html.index('"', start)].replace("&amp;", "&")

    def test_charges_for_information_leave_the_principal_asked(self):
        self.charges_profile.charges_in_payment = "inform"
        self.run_followup()
        body = text_of(self.mails_of(self.customer).body_html)
        self.assertIn(f"Amount to pay now: {self.money(1000)}", body)
        self.assertIn("shown for information", body)
        self.assertIn(f"Updated amount {self.money(1022.67)}", body)

    def test_the_link_of_several_invoices_pays_the_oldest_and_says_so(self):
        newer = self.make_invoice(self.customer, 500, 6)
        self.run_followup()
        body = text_of(self.mails_of(self.customer).body_html)
        self.assertIn(f"This link pays invoice {self.invoice.name} ({self.money(1022.67)})", body)
        self.assertIn(newer.name, body)

    def test_nothing_to_show_when_the_company_has_no_charges_and_no_provider(self):
        self.charges_profile.charges_in_payment = "hide"
        self.env["payment.provider"].search([("company_id", "=", self.company.id)]).state = "disabled"
        self.run_followup()
        mail = self.mails_of(self.customer)
        self.assertNotIn("How to pay", text_of(mail.body_html))
        self.assertIn(self.invoice.name, text_of(mail.body_html))

    def test_the_preview_shows_what_the_customer_receives(self):
        dialog = self.open_dialog()
        self.assertIn("How to pay", text_of(dialog.email_body))
        self.assertIn(f"Amount to pay now: {self.money(1022.67)}", text_of(dialog.email_body))
        dialog.save().action_send()
        self.assertEqual(
            self.pay_now_link(self.mails_of(self.customer).body_html), self.pay_now_link(str(dialog.email_body))
        )

    def test_text_messages_carry_the_link_within_the_channel_limit(self):
        script = self.make_script(
            "sms", "{{ customer }}, pay {{ amount_due_now }} ({{ charges }}) here: {{ pay_code }}"
        )
        self.as_manager(self.level_first).write({"send_email": False, "send_sms": True, "sms_script_id": script.id})
        self.run_followup()
        body = text_of(self.events_of(self.customer, channel="sms").body)
        link = self.env["collections.pay.now"]._pay_now(self.company, {1: self.invoice})[1].link
        self.assertEqual(
            body,
            f"Paula Payer, pay {self.money(1022.67)} (late payment fine {self.money(20)}, interest "
            f"{self.money(2.67)} (updated amount {self.money(1022.67)})) here: {link}",
        )
        self.assertLessEqual(len(body), 459)

    def test_a_text_too_long_for_the_link_leaves_it_out(self):
        script = self.make_script("sms", "{{ customer }}: {{ pay_code }}. " + "Please pay today. " * 25)
        self.as_manager(self.level_first).write({"send_email": False, "send_sms": True, "sms_script_id": script.id})
        self.run_followup()
        body = self.events_of(self.customer, channel="sms").body
        self.assertTrue(body.startswith("Paula Payer: . Please pay today."), body)
        self.assertNotIn("http", body)

    def test_the_call_script_reads_the_amount_due_now(self):
        script = self.make_script("call", "You owe {{ amount_due_now }}, {{ charges }}.")
        self.as_manager(self.level_first).call_script_id = script
        self.run_followup()  # the customer is at the first step: its call script is the one read
        action = self.customer.with_user(self.collector).action_collections_log_call()
        dialog = self.open_call_log(action)
        self.assertIn(f"You owe {self.money(1022.67)}", text_of(dialog.script_text))

    def test_the_preview_says_why_the_charges_are_left_out(self):
        self.make_invoice(self.customer, 500, 40)  # late since February, a month the table below misses
        self.charges_profile.interest_mode = "legal"
        self.env.ref("collections_addon.collections_rate_index_taxa_legal").value_ids.filtered(
            lambda value: (value.month.year, value.month.month) == (2026, 2)
        ).unlink()
        dialog = self.open_dialog()
        self.assertIn("asks for the principal only", text_of(dialog.summary))
        self.assertIn("2026-02", text_of(dialog.summary))
        self.assertIn(f"Amount to pay now: {self.money(1500)}", text_of(dialog.email_body))
