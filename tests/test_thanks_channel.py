"""The thank-you goes on the channel of the customer's last reminder: SMS, WhatsApp, else e-mail.

The manager gives the plan its thank-you e-mail and texts on the plan's form; the cron runs the follow-up (and the
WhatsApp gateway's job sends); the accountant registers the payments.
"""

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common_run import RunCase
from .common_whatsapp import FROZEN_NOW, WhatsappCase

PHONE = "+55 11 91234-5678"


class _ThanksMixin:
    def choose_thanks(self, template=None, sms=None, whatsapp=None):
        with Form(self.policy.with_user(self.manager)) as plan:
            plan.thanks_template_id = template or self.env["mail.template"]
            plan.thanks_sms_script_id = sms or self.env["collections.script"]
            plan.thanks_whatsapp_script_id = whatsapp or self.env["collections.script"]

    def thank_you_mails(self, customer):
        return self.mails_of(customer).filtered(lambda mail: "thank you for your payment" in mail.subject)

    def texts_of(self, customer):
        return self.env["sms.sms"].search([("partner_id", "=", customer.id)])

    def pay_and_run(self, invoice, day="2026-03-17 10:00:00"):
        self._register_payment(invoice)
        with freeze_time(day):
            self.run_followup()


@tagged("post_install", "-at_install")
@freeze_time("2026-03-16 10:00:00")
class TestThanksBySms(_ThanksMixin, RunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template_thanks = cls.env.ref("collections_addon.mail_template_collections_thanks")
        cls.reminder_sms = cls.make_script("sms", "Hello, {{ customer }}. {{ amount }} is overdue.")
        cls.level_first.write({"send_email": False, "send_sms": True, "sms_script_id": cls.reminder_sms.id})
        cls.thanks_sms = cls.make_script("sms", "Hello, {{ customer }}. Thank you for paying {{ invoices }}.")

    def reminded_by_sms(self, name):
        customer = self.make_customer(name, phone=PHONE)
        invoice = self.make_invoice(customer, 100, 8)
        self.run_followup()
        self.assertEqual(self.events_of(customer).channel, "sms", "the reminder went by SMS")
        self.assertEqual(len(self.texts_of(customer)), 1)
        return customer, invoice

    def test_a_customer_last_reminded_by_sms_is_thanked_by_sms_once(self):
        self.choose_thanks(self.template_thanks, sms=self.thanks_sms)
        customer, invoice = self.reminded_by_sms("Text Payer")
        self.pay_and_run(invoice)
        texts = self.texts_of(customer)
        self.assertEqual(len(texts), 2)
        thanks = texts.filtered(lambda sms: "Thank you" in sms.body)
        self.assertEqual(thanks.body, f"Hello, Text Payer. Thank you for paying {invoice.name}.")
        self.assertEqual(thanks.state, "outgoing", "in Odoo's SMS queue")
        self.assertEqual(thanks.number, customer.phone_sanitized)
        self.assertIn("Thank you for paying", str(thanks.mail_message_id.body), "posted in the customer's chatter")
        self.assertFalse(self.thank_you_mails(customer), "not by e-mail as well")
        self.assertEqual(str(customer.with_company(self.company).collections_thanked_date), "2026-03-17")
        with freeze_time("2026-03-18 10:00:00"):
            self.run_followup()
            self.run_followup(partners=customer)
        self.assertEqual(len(self.texts_of(customer)), 2, "never twice")

    def test_by_e_mail_when_the_plan_has_no_thank_you_sms(self):
        self.choose_thanks(self.template_thanks)
        customer, invoice = self.reminded_by_sms("Mail Payer")
        self.pay_and_run(invoice)
        self.assertEqual(len(self.thank_you_mails(customer)), 1)
        self.assertEqual(len(self.texts_of(customer)), 1, "only the reminder")
        with freeze_time("2026-03-18 10:00:00"):
            self.run_followup()
        self.assertEqual(len(self.thank_you_mails(customer)), 1, "never twice")

    def test_by_e_mail_when_the_customer_opted_out_of_texts(self):
        self.choose_thanks(self.template_thanks, sms=self.thanks_sms)
        customer, invoice = self.reminded_by_sms("Stop Payer")
        self.env["phone.blacklist"].sudo().add(customer.phone_sanitized)
        self.env.invalidate_all()  # the opt-out arrives in its own request: a computed flag read afresh
        self.pay_and_run(invoice)
        self.assertEqual(len(self.texts_of(customer)), 1)
        self.assertEqual(len(self.thank_you_mails(customer)), 1)

    def test_a_customer_last_reminded_by_e_mail_is_thanked_by_e_mail(self):
        self.level_first.write({"send_email": True, "send_sms": False})
        self.choose_thanks(self.template_thanks, sms=self.thanks_sms)
        customer = self.make_customer("Inbox Payer", phone=PHONE)
        invoice = self.make_invoice(customer, 100, 8)
        self.run_followup()
        self.pay_and_run(invoice)
        self.assertFalse(self.texts_of(customer))
        self.assertEqual(len(self.thank_you_mails(customer)), 1)

    def test_a_thank_you_script_of_another_channel_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "is not a sms script"):
            call_script = self.make_script("call", "Hello, {{ customer }}.")
            self.policy.with_user(self.manager).thanks_sms_script_id = call_script


@tagged("post_install", "-at_install")
@freeze_time(FROZEN_NOW)
class TestThanksByWhatsapp(_ThanksMixin, WhatsappCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template_thanks = cls.env.ref("collections_addon.mail_template_collections_thanks")
        cls.thanks_whatsapp = cls.make_script(
            "whatsapp",
            "Hello, {{ customer }}. Thank you for your payment.",
            whatsapp_template_name="collections_thanks",
            whatsapp_language="pt_BR",
            whatsapp_parameters="{{ customer }}",
        )

    def reminded_by_whatsapp(self, name):
        customer, invoice, event = self.queued_event(name)
        self.gateway._send_queued()
        self.assertEqual(event.state, "sent")
        self.server.reset()
        return customer, invoice, event

    def test_a_customer_last_reminded_by_whatsapp_is_thanked_by_whatsapp_once(self):
        self.choose_thanks(self.template_thanks, whatsapp=self.thanks_whatsapp)
        customer, invoice, reminder = self.reminded_by_whatsapp("Zap Payer")
        self.pay_and_run(invoice)
        thanks = self.events_of(customer, channel="whatsapp") - reminder
        self.assertEqual(len(thanks), 1)
        self.assertEqual((thanks.state, thanks.level_id.id), ("queued", False), "a contact, not a reminder step")
        self.assertTrue(thanks.is_thanks)
        history = self.env["report.collections_addon.report_collections_statement"]._customer_history(thanks, "en_US")
        self.assertEqual(history, [], "queued: not on the statement yet")
        self.assertFalse(self.thank_you_mails(customer))
        with freeze_time("2026-03-17 10:05:00"):
            self.assertEqual(self.gateway._send_queued(), 1)
        body = self.server.requests[0]["body"]
        self.assertEqual(body["template"]["name"], "collections_thanks")
        self.assertEqual(body["template"]["components"][0]["parameters"], [{"type": "text", "text": "Zap Payer"}])
        self.assertEqual(thanks.state, "sent")
        history = self.env["report.collections_addon.report_collections_statement"]._customer_history(thanks, "en_US")
        self.assertEqual(history[0]["title"], "Thank you for your payment", "the statement tells it as it was")
        with freeze_time("2026-03-18 10:00:00"):
            self.run_followup()
        self.assertEqual(len(self.events_of(customer, channel="whatsapp")), 2, "never twice")

    def test_without_a_whatsapp_template_by_e_mail(self):
        self.thanks_whatsapp.whatsapp_template_name = False
        self.choose_thanks(self.template_thanks, whatsapp=self.thanks_whatsapp)
        customer, invoice, reminder = self.reminded_by_whatsapp("Plain Payer")
        self.pay_and_run(invoice)
        self.assertEqual(self.events_of(customer, channel="whatsapp"), reminder)
        self.assertEqual(len(self.thank_you_mails(customer)), 1)
