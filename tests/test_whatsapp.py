"""The WhatsApp channel against a real HTTP server on 127.0.0.1 that speaks the Cloud API: the queue,
retries, failures and fallbacks, escalations on delivery state (the webhook: ``test_whatsapp_webhook.py``)."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.addons.collections_addon.collections_addon.engine import whatsapp as wa
from odoo.tests import tagged
from odoo.tools import format_datetime, mute_logger

from .common import TODAY
from .common_whatsapp import CUSTOMER_DIGITS, FROZEN_NOW, PHONE_NUMBER_ID, TOKEN, WhatsappCase
from .whatsapp_server import error, hang, server_error, template_missing


@tagged("post_install", "-at_install")
@freeze_time(FROZEN_NOW)
class TestWhatsapp(WhatsappCase):
    # ------------------------------------------------------------------
    # Queue and send
    # ------------------------------------------------------------------

    def test_run_queues_and_queue_posts_the_template(self):
        customer, invoice, event = self.queued_event("Maria Souza")
        self.assertEqual(event.recipient, customer.phone_sanitized)
        self.assertTrue(event.recipient)
        self.assertEqual(event.attempts, 0)
        self.assertFalse(event.external_id)
        self.assertIn("Maria Souza", event.body)
        self.assertEqual(event.move_ids, invoice)
        self.assertFalse(self.server.requests, "the run only queues; the gateway's cron sends")

        self.assertEqual(self.gateway._send_queued(), 1)

        self.assertEqual(len(self.server.requests), 1)
        request = self.server.requests[0]
        self.assertEqual(request["path"], f"/v23.0/{PHONE_NUMBER_ID}/messages")
        self.assertEqual(request["headers"]["Authorization"], f"Bearer {TOKEN}")
        self.assertIn("application/json", request["headers"]["Content-Type"])
        body = request["body"]
        self.assertEqual(body["messaging_product"], "whatsapp")
        self.assertEqual(body["recipient_type"], "individual")
        self.assertEqual(body["to"], CUSTOMER_DIGITS, "digits only, with the country code")
        self.assertEqual(body["type"], "template")
        self.assertEqual(body["template"]["name"], "collections_first")
        self.assertEqual(body["template"]["language"], {"code": "pt_BR"})
        self.assertEqual(len(body["template"]["components"]), 1)
        component = body["template"]["components"][0]
        self.assertEqual(component["type"], "body")
        parameters = component["parameters"]
        self.assertEqual(len(parameters), 2)
        self.assertEqual(parameters[0], {"type": "text", "text": "Maria Souza"})
        self.assertEqual(parameters[1]["type"], "text")
        self.assertIn("120.00", parameters[1]["text"])
        self.assertEqual(body["biz_opaque_callback_data"], f"collections.event:{event.id}")

        self.assertEqual(event.state, "sent")
        self.assertEqual(event.external_id, self.server.message_ids[0])
        self.assertTrue(event.external_id.startswith("wamid."))
        self.assertEqual(event.attempts, 1)
        self.assertFalse(event.next_attempt)
        self.assertFalse(event.error)

        # Idempotent: a second pass of the queue sends nothing.
        self.assertEqual(self.gateway._send_queued(), 0)
        self.assertEqual(len(self.server.requests), 1)
        # A second run on the same day does not queue the step again.
        self.run_followup()
        self.assertEqual(len(self.events_of(customer, channel="whatsapp")), 1)

    def test_customer_language_when_the_script_has_none(self):
        self.whatsapp_script.whatsapp_language = False
        _customer, _invoice, _event = self.queued_event("Language Customer", phone="+55 11 98888-7777")
        self.gateway._send_queued()
        self.assertEqual(self.server.requests[0]["body"]["template"]["language"], {"code": "en_US"})
        self.assertEqual(self.server.requests[0]["body"]["to"], "5511988887777")

    # ------------------------------------------------------------------
    # Retries
    # ------------------------------------------------------------------

    def test_server_error_is_retried_later(self):
        _customer, _invoice, event = self.queued_event("Retry Customer")
        self.server.answer(server_error(500))
        self.gateway._send_queued()
        self.assertEqual(len(self.server.requests), 1)
        self.assertEqual(event.state, "queued")
        self.assertEqual(event.attempts, 1)
        self.assertFalse(event.external_id)
        self.assertEqual(event.next_attempt, fields.Datetime.now() + wa.retry_delay(1))
        self.assertGreater(event.next_attempt, fields.Datetime.now())
        self.assertIn(f"Attempt 1 of {wa.MAX_ATTEMPTS} failed, retrying at", event.error)
        # In the company's time zone, as people read it.
        tz = self.company.partner_id.tz or self.env.user.tz
        self.assertIn(format_datetime(self.env, event.next_attempt, tz=tz), event.error)
        self.assertIn("An unknown error occurred", event.error)

        # Not due yet: nothing is posted.
        self.assertEqual(self.gateway._send_queued(), 0)
        self.assertEqual(len(self.server.requests), 1)

        self.server.answer(server_error(503))
        self.move_to_due(event)
        self.gateway._send_queued()
        self.assertEqual(len(self.server.requests), 2)
        self.assertEqual(event.state, "queued")
        self.assertEqual(event.attempts, 2)
        self.assertEqual(event.next_attempt, fields.Datetime.now() + wa.retry_delay(2))
        self.assertIn("Attempt 2", event.error)
        self.assertIn("Service temporarily unavailable", event.error)

        self.move_to_due(event)
        self.gateway._send_queued()
        self.assertEqual(len(self.server.requests), 3)
        self.assertEqual(event.state, "sent")
        self.assertEqual(event.external_id, self.server.message_ids[-1])
        self.assertEqual(event.attempts, 3)
        self.assertFalse(event.error)
        self.assertFalse(event.next_attempt)
        # The same message each time: the retry repeats the request, with the same callback data.
        bodies = [request["body"] for request in self.server.requests]
        self.assertEqual(bodies[0], bodies[2])

    def test_gives_up_after_max_attempts_and_falls_back_to_sms(self):
        customer, _invoice, event = self.queued_event("Hopeless Customer")
        self.server.answer(*[server_error(503)] * wa.MAX_ATTEMPTS)
        for attempt in range(1, wa.MAX_ATTEMPTS + 1):
            self.assertEqual(self.gateway._send_queued(), 1)
            self.assertEqual(event.attempts, attempt)
            if attempt < wa.MAX_ATTEMPTS:
                self.assertEqual(event.state, "queued")
                self.move_to_due(event)
        self.assertEqual(len(self.server.requests), wa.MAX_ATTEMPTS)
        self.assertEqual(event.state, "failed")
        self.assertIn(f"Gave up after {wa.MAX_ATTEMPTS} attempts", event.error)
        self.assertIn("Service temporarily unavailable", event.error)
        self.assertFalse(event.next_attempt)
        self.assertTrue(event.escalated)
        # No more attempts, whenever the queue runs.
        with freeze_time("2026-03-20 10:00:00"):
            self.assertEqual(self.gateway._send_queued(), 0)
        self.assertEqual(len(self.server.requests), wa.MAX_ATTEMPTS)
        sms = self.events_of(customer, channel="sms")
        self.assertEqual(len(sms), 1, "the level's SMS replaces the WhatsApp message")
        self.assertEqual(sms.state, "queued")

    @mute_logger("odoo.tests.common.requests")
    def test_timeout_is_retried(self):
        _customer, _invoice, event = self.queued_event("Slow Customer")
        self.server.answer(hang())
        self.gateway._send_queued()
        self.assertEqual(len(self.server.requests), 1)
        self.assertEqual(event.state, "queued")
        self.assertEqual(event.attempts, 1)
        self.assertFalse(event.external_id)
        self.assertEqual(event.next_attempt, fields.Datetime.now() + wa.retry_delay(1))
        self.assertIn("No answer from the WhatsApp API within", event.error)
        self.assertIn("retrying at", event.error)

    # ------------------------------------------------------------------
    # Permanent errors and fallbacks
    # ------------------------------------------------------------------

    def test_client_error_fails_at_once_and_sends_the_sms(self):
        customer, invoice, event = self.queued_event("Template Missing")
        self.server.answer(template_missing())
        self.gateway._send_queued()
        self.assertEqual(len(self.server.requests), 1)
        self.assertEqual(event.state, "failed")
        self.assertEqual(event.attempts, 1)
        self.assertFalse(event.next_attempt, "a refused request is not retried")
        self.assertIn("(#132001)", event.error)
        self.assertIn("template name (collections_first) does not exist in pt_BR", event.error)
        self.assertTrue(event.escalated)
        # Never retried, even much later.
        with freeze_time("2026-03-18 10:00:00"):
            self.assertEqual(self.gateway._send_queued(), 0)
        self.assertEqual(len(self.server.requests), 1)

        sms = self.events_of(customer, channel="sms")
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.state, "queued")
        self.assertEqual(sms.level_id, self.level_first)
        self.assertEqual(sms.move_ids, invoice)
        self.assertEqual(sms.recipient, customer.phone_sanitized)
        self.assertIn("Template Missing", sms.body)
        self.assertIn(invoice.name, sms.body)
        self.assertTrue(sms.message_id, "posted on the customer through Odoo's SMS gateway")
        queued_sms = self.env["sms.sms"].search([("mail_message_id", "=", sms.message_id.id)])
        self.assertEqual(queued_sms.number, customer.phone_sanitized)
        self.assertIn("Template Missing", queued_sms.body)
        self.assertFalse(
            self.open_tasks(customer).filtered(lambda task: "not delivered" in (task.summary or "")),
            "the SMS went out instead: no task for the collector",
        )

    def test_bad_token_fails_with_the_api_message(self):
        _customer, _invoice, event = self.queued_event("Bad Token")
        self.company.collections_whatsapp_token = "expired-token"
        self.gateway._send_queued()
        self.assertEqual(self.server.requests[0]["headers"]["Authorization"], "Bearer expired-token")
        self.assertEqual(event.state, "failed")
        self.assertIn("(#190)", event.error)
        self.assertIn("Invalid OAuth access token", event.error)

    def test_client_error_falls_back_to_a_letter(self):
        self.as_manager(self.level_first).whatsapp_fallback = "letter"
        customer, invoice, event = self.queued_event("Letter Fallback")
        self.server.answer(error(400, 131026, "Message undeliverable", details="Receiver is incapable of receiving"))
        self.gateway._send_queued()
        self.assertEqual(event.state, "failed")
        self.assertIn("Receiver is incapable of receiving", event.error)
        letter = self.events_of(customer, channel="letter")
        self.assertEqual(len(letter), 1)
        self.assertEqual(letter.state, "queued", "waiting to be printed")
        self.assertEqual(letter.move_ids, invoice)
        self.assertFalse(self.events_of(customer, channel="sms"))

    def test_client_error_without_fallback_goes_to_the_collector(self):
        self.as_manager(self.level_first).whatsapp_fallback = "none"
        customer, _invoice, event = self.queued_event("No Fallback")
        self.server.answer(template_missing())
        self.gateway._send_queued()
        self.assertEqual(event.state, "failed")
        self.assertFalse(self.events_of(customer, channel="sms"))
        self.assertFalse(self.events_of(customer, channel="letter"))
        task = self.open_tasks(customer).filtered(lambda task: task.summary == "WhatsApp reminder not delivered")
        self.assertEqual(len(task), 1)
        self.assertIn("132001", str(task.note))
        partner = customer.with_company(self.company)
        self.assertEqual(partner.collections_status, "to_contact")
        self.assertEqual(partner.collections_due_level_id, self.level_first)

    def test_sms_fallback_without_sms_text_goes_to_the_collector(self):
        self.as_manager(self.level_first).sms_script_id = False
        customer, _invoice, event = self.queued_event("No Sms Text")
        self.server.answer(template_missing())
        self.gateway._send_queued()
        self.assertEqual(event.state, "failed")
        self.assertFalse(self.events_of(customer, channel="sms"))
        self.assertEqual(
            len(self.open_tasks(customer).filtered(lambda task: task.summary == "WhatsApp reminder not delivered")),
            1,
        )

    # ------------------------------------------------------------------
    # What never reaches the API
    # ------------------------------------------------------------------

    def test_missing_configuration_fails_the_step_and_sends_nothing(self):
        self.company.write({"collections_whatsapp_phone_number_id": False, "collections_whatsapp_token": False})
        customer, _invoice = self.whatsapp_customer("Unconfigured")
        self.run_followup()
        event = self.events_of(customer, channel="whatsapp")
        self.assertEqual(event.state, "failed")
        self.assertIn("Phone number ID", event.error)
        self.assertIn("Access token", event.error)
        self.assertIn("Settings > Collections > WhatsApp", event.error)
        self.assertFalse(event.whatsapp_payload)
        self.assertEqual(self.gateway._send_queued(), 0)
        self.assertFalse(self.server.requests)
        self.assertEqual(self.events_of(customer, channel="email").state, "queued", "the other channels go out")
        task = self.open_tasks(customer).filtered(lambda task: "WhatsApp" in (task.summary or ""))
        self.assertEqual(len(task), 1)
        self.assertEqual(customer.with_company(self.company).collections_status, "to_contact")

    def test_configuration_removed_after_queueing_fails_without_request(self):
        customer, _invoice, event = self.queued_event("Unconfigured Later")
        self.company.collections_whatsapp_token = False
        self.gateway._send_queued()
        self.assertFalse(self.server.requests)
        self.assertEqual(event.state, "failed")
        self.assertIn("Access token", event.error)
        self.assertEqual(len(self.events_of(customer, channel="sms")), 1, "the SMS replaces it")

    def test_broken_queued_message_fails_without_request(self):
        customer, _invoice, event = self.queued_event("Broken Payload")
        event.write({"whatsapp_payload": "{not json"})
        self.gateway._send_queued()
        self.assertFalse(self.server.requests)
        self.assertEqual(event.state, "failed")
        self.assertIn("The WhatsApp message cannot be sent", event.error)
        self.assertEqual(len(self.events_of(customer, channel="sms")), 1)

    def test_customer_without_phone_fails_with_a_clear_error(self):
        customer, _invoice = self.whatsapp_customer("No Phone", phone=False)
        self.run_followup()
        event = self.events_of(customer, channel="whatsapp")
        self.assertEqual(event.state, "failed")
        self.assertIn("has no valid mobile number", event.error)
        self.assertIn("No Phone", event.error)
        self.assertFalse(event.whatsapp_payload)
        self.assertEqual(self.gateway._send_queued(), 0)
        self.assertFalse(self.server.requests)
        task = self.open_tasks(customer).filtered(lambda task: "WhatsApp" in (task.summary or ""))
        self.assertEqual(len(task), 1)

    def test_blacklisted_number_is_cancelled(self):
        customer, _invoice = self.whatsapp_customer("Opted Out")
        self.env["phone.blacklist"]._add([customer.phone_sanitized])
        self.assertTrue(customer.phone_sanitized_blacklisted)
        self.run_followup()
        event = self.events_of(customer, channel="whatsapp")
        self.assertEqual(event.state, "cancelled")
        self.assertIn("opted out", event.error)
        self.assertIn(customer.phone_sanitized, event.error)
        self.assertEqual(self.gateway._send_queued(), 0)
        self.assertFalse(self.server.requests)

    def test_blacklisted_after_queueing_is_not_sent(self):
        customer, _invoice, event = self.queued_event("Opted Out Later")
        self.env["phone.blacklist"]._add([customer.phone_sanitized])
        # The opt-out arrives in another transaction than the queue's cron: nothing of the run is cached.
        self.env.invalidate_all()
        self.gateway._send_queued()
        self.assertFalse(self.server.requests, "the customer opted out before the queue ran")
        self.assertEqual(event.state, "cancelled")
        self.assertIn("opted out", event.error)
        self.assertFalse(self.events_of(customer, channel="sms"), "no SMS to a number that opted out")
        task = self.open_tasks(customer).filtered(lambda task: task.summary == "WhatsApp reminder not delivered")
        self.assertEqual(len(task), 1, "the collector decides how to reach the customer now")

    # ------------------------------------------------------------------
    # Read and unpaid: call task
    # ------------------------------------------------------------------

    def read_event(self, name, hours_ago):
        customer, invoice, event = self.queued_event(name)
        self.gateway._send_queued()
        self.assertEqual(event.state, "sent")
        now = fields.Datetime.now()
        event.write(
            {
                "state": "read",
                "delivered_at": now - timedelta(hours=hours_ago + 1),
                "read_at": now - timedelta(hours=hours_ago),
            }
        )
        return customer, invoice, event

    def call_events(self, customer):
        return self.events_of(customer, channel="call")

    def test_read_and_unpaid_after_the_delay_plans_a_call(self):
        self.as_manager(self.level_first).whatsapp_read_call_hours = 24
        customer, invoice, event = self.read_event("Read Unpaid", 25)
        self.escalate()
        call = self.call_events(customer)
        self.assertEqual(len(call), 1)
        self.assertEqual(call.state, "queued")
        self.assertEqual(call.level_id, self.level_first)
        self.assertEqual(call.move_ids, invoice)
        self.assertTrue(call.activity_id)
        self.assertEqual(call.activity_id.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(call.activity_id.res_id, customer.id)
        self.assertIn("read the WhatsApp reminder", str(call.activity_id.note))
        self.assertTrue(event.escalated)
        # Twice: still one call.
        self.escalate()
        self.sync_delivery()
        self.assertEqual(len(self.call_events(customer)), 1)
        self.assertEqual(len(self.open_tasks(customer, "mail.mail_activity_data_call")), 1)

    def test_read_but_not_long_enough_plans_nothing(self):
        self.as_manager(self.level_first).whatsapp_read_call_hours = 24
        customer, _invoice, event = self.read_event("Read Recently", 23)
        self.escalate()
        self.assertFalse(self.call_events(customer))
        self.assertFalse(event.escalated)
        # Two hours later the delay is over.
        with freeze_time("2026-03-16 12:00:00"):
            self.escalate()
        self.assertEqual(len(self.call_events(customer)), 1)

    def test_read_and_paid_plans_no_call(self):
        self.as_manager(self.level_first).whatsapp_read_call_hours = 24
        customer, invoice, _event = self.read_event("Read Paid", 25)
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"payment_date": TODAY}
        )._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.escalate()
        self.assertFalse(self.call_events(customer))
        self.assertFalse(self.open_tasks(customer, "mail.mail_activity_data_call"))

    def test_level_without_read_delay_plans_no_call(self):
        self.as_manager(self.level_first).whatsapp_read_call_hours = 0
        customer, _invoice, _event = self.read_event("Read No Delay", 100)
        self.escalate()
        self.assertFalse(self.call_events(customer))

    def test_paused_or_paid_after_queueing_is_not_sent(self):
        customer, _invoice, event = self.queued_event("Promised")
        paused = customer.with_user(self.collector).with_company(self.company)
        paused.collections_paused_until = TODAY + timedelta(days=5)
        self.assertEqual(event.state, "cancelled", "a pause cancels what is still queued")
        self.assertIn("paused", event.error)
        _other, other_invoice, other_event = self.queued_event("Paid Meanwhile")
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=other_invoice.ids
        ).create({"payment_date": TODAY})._create_payments()
        self.gateway._send_queued()
        self.assertFalse(self.server.requests)
        self.assertEqual(other_event.state, "cancelled")
        self.assertIn("paid", other_event.error)

    def test_sent_but_never_delivered_falls_back(self):
        customer, _invoice, event = self.queued_event("Phone Off")
        self.gateway._send_queued()
        self.assertEqual((event.state, event.sent_at), ("sent", fields.Datetime.now()))
        self.escalate()
        self.assertEqual(event.state, "sent", "not yet: the level waits 24 hours")
        with freeze_time(fields.Datetime.now() + timedelta(hours=25)):
            self.escalate()
        self.assertEqual(event.state, "failed")
        self.assertIn("Not delivered within 24 hours", event.error)
        self.assertEqual(self.events_of(customer, channel="sms").state, "queued", "the SMS replaces it")

    def test_message_that_cannot_be_queued_falls_back_at_once(self):
        self.as_manager(self.level_first).whatsapp_fallback = "letter"
        customer, _invoice = self.whatsapp_customer("No WhatsApp", phone=False)
        self.run_followup()
        self.assertEqual(self.events_of(customer, channel="whatsapp").state, "failed")
        self.assertEqual(self.events_of(customer, channel="letter").state, "queued")

    def test_queued_again_starts_over(self):
        token = self.company.collections_whatsapp_token
        self.company.collections_whatsapp_token = False
        customer, _invoice = self.whatsapp_customer("Second Try")
        self.run_followup()
        event = self.events_of(customer, channel="whatsapp")
        self.assertEqual((event.state, event.escalated), ("failed", True), "the SMS replaced it at once")
        self.assertEqual(self.events_of(customer, channel="sms").state, "queued")
        # The administrator completes the settings; the same day's run queues the step's message again.
        self.company.collections_whatsapp_token = token
        self.run_followup()
        self.assertEqual((event.state, event.escalated, event.attempts), ("queued", False, 0))
        self.assertEqual(len(self.events_of(customer, channel="sms")), 1, "no second SMS")

    def test_blocked_call_script_does_not_stop_the_escalation(self):
        self.as_manager(self.level_first).call_script_id = self.call_script
        customer, _invoice, event = self.read_event("Blocked Script", hours_ago=30)
        self.as_manager(self.level_first).whatsapp_read_call_hours = 24
        self.call_script.body = "LAST WARNING!!! We will expose your name."
        self.assertEqual(self.call_script.tone_state, "blocked")
        self.escalate()
        self.assertEqual(len(self.call_events(customer)), 1)
        self.assertTrue(event.escalated)
