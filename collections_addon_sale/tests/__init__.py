from . import test_credit_hold_sale
