if __name__.startswith("odoo.addons."):
    from . import (
        test_followup_run,
        test_mail_delivery,
        test_performance,
        test_reports,
        test_security,
        test_tour,
    )
