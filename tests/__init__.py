if __name__.startswith("odoo.addons."):
    from . import (  # noqa: F401
        test_followup_run,
        test_mail_delivery,
        test_performance,
        test_reports,
        test_security,
        test_tour,
    )
