from . import collections_credit_hold_release
