"""The follow-up run and its channels as the people and jobs that really work them.

The daily follow-up, the WhatsApp queue and the delivery follow-up are scheduled
jobs: the tests run them as ``ir.cron`` does, as the job's user (OdooBot, the
superuser, as shipped). A manager configures plans and levels and starts a run by
hand ('Run now'); a collector works the worklist (Send, calls, letters). Setting
the scene (customers, invoices, payments, company settings) stays with the
accountant of the test company.
"""

from .common import CollectionsCase

FOLLOWUP_CRON = "collections_addon.ir_cron_collections_followup"
WHATSAPP_CRON = "collections_addon.ir_cron_collections_whatsapp"
DELIVERY_CRON = "collections_addon.ir_cron_collections_sync_mail"


class RunCase(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron_runner = cls.as_cron(FOLLOWUP_CRON, "collections.runner")

    @classmethod
    def as_cron(cls, xmlid, model):
        """``model`` in the environment the scheduled job ``xmlid`` runs in: its user's."""
        return cls.env[model].with_user(cls.env.ref(xmlid).sudo().user_id)

    def run_followup(self, company=None, **kwargs):
        """The daily follow-up of ``company`` (default: the test company), as its job runs it."""
        return self.cron_runner._run(company or self.company, **kwargs)

    def sync_delivery(self):
        """The hourly job following e-mail and SMS delivery and escalating WhatsApp messages."""
        return self.as_cron(DELIVERY_CRON, "collections.event")._cron_sync_mail_states()

    def as_manager(self, records):
        """``records`` as the collections manager configures them (plans, levels)."""
        return records.with_user(self.manager)
