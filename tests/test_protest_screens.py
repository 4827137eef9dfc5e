"""Notary protests on screen: the company's day, the board, the names of drafts and the Protest button."""

from datetime import datetime, time, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import TODAY
from .test_protest import ProtestCase

BRUSSELS = "Europe/Brussels"
SAO_PAULO = "America/Sao_Paulo"
# 23:30 in UTC: already Tuesday 17 in Brussels (00:30), still Monday 16 in São Paulo (20:30).
LATE_EVENING = datetime.combine(TODAY, time(23, 30))


@tagged("post_install", "-at_install")
@freeze_time(datetime.combine(TODAY, time(12, 0)))
class TestProtestScreens(ProtestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager.tz = BRUSSELS
        cls.collector.tz = SAO_PAULO

    def as_user(self, record, user):
        """``record`` as the web client sends it for ``user``: their rights, language and time zone."""
        return record.with_user(user).with_context(tz=user.tz, lang=user.lang)

    def step_form(self, protest, action, user):
        """The step wizard the button ``action_<action>`` opens for ``user``, as a form."""
        opened = getattr(self.as_user(protest, user), f"action_{action}")()
        return Form.from_action(self.as_user(self.env["collections.protest.step"], user).env, opened)

    # ------------------------------------------------------------------
    # Step dates are the company's days
    # ------------------------------------------------------------------

    def test_a_manager_abroad_sends_on_the_company_day(self):
        self.company.partner_id.tz = SAO_PAULO
        protest = self.new_protest()
        with freeze_time(LATE_EVENING):
            form = self.step_form(protest, "send", self.manager)
            # Tuesday in Brussels, where the manager is; Monday for the company in São Paulo.
            self.assertEqual(form.date, TODAY)
            form.save().action_confirm()
            self.assertEqual((protest.state, protest.sent_date), ("sent", TODAY))
            form = self.step_form(protest, "protocol", self.collector)
            self.assertEqual(form.date, TODAY)
            form.protocol_number = "PROT-EVENING"
            form.save().action_confirm()
        self.assertEqual((protest.state, protest.protocol_date), ("protocolled", TODAY))

    def test_a_collector_records_the_protocol_on_the_day_the_company_sent_it(self):
        # The company works in Brussels; its collector works from São Paulo, where it is still the day before.
        self.company.partner_id.tz = BRUSSELS
        protest = self.new_protest()
        tuesday = TODAY + timedelta(days=1)
        with freeze_time(LATE_EVENING):
            form = self.step_form(protest, "send", self.manager)
            self.assertEqual(form.date, tuesday)
            form.save().action_confirm()
            form = self.step_form(protest, "protocol", self.collector)
            self.assertEqual(form.date, tuesday, "the company's day, not the collector's Monday")
            form.protocol_number = "PROT-BXL"
            form.save().action_confirm()
        self.assertEqual((protest.sent_date, protest.protocol_date), (tuesday, tuesday))

    def test_a_company_without_time_zone_has_the_same_day_for_everybody(self):
        # No time zone on the company's contact: its working hours' time zone, never the user's.
        self.company.partner_id.tz = False
        self.company.resource_calendar_id.tz = SAO_PAULO
        runner = self.env["collections.runner"]
        protest = self.new_protest()
        with freeze_time(LATE_EVENING):
            for user in (self.manager, self.collector):
                self.assertEqual(self.as_user(runner, user)._today(self.company), TODAY, user.tz)
            form = self.step_form(protest, "send", self.manager)
            self.assertEqual(form.date, TODAY)
            form.date = TODAY + timedelta(days=1)
            with self.assertRaisesRegex(UserError, "in the future"):
                form.save().action_confirm()
            form.date = TODAY
            form.save().action_confirm()
            form = self.step_form(protest, "protocol", self.collector)
            form.protocol_number = "PROT-NO-TZ"
            form.save().action_confirm()
        self.assertEqual((protest.state, protest.sent_date, protest.protocol_date), ("protocolled", TODAY, TODAY))
