if __name__.startswith("odoo.addons."):
    from . import (
        test_calls,
        test_documents,
        test_followup_run,
        test_mail_delivery,
        test_negotiation,
        test_performance,
        test_portal,
        test_protest,
        test_reports,
        test_scripts,
        test_security,
        test_sms_letters,
        test_tour,
        test_whatsapp,
    )
