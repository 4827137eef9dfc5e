"""Pure-Python decisions of the collections addon.

Nothing in this package imports ``odoo``: models translate records into the
plain values below and turn the returned decisions back into records.
"""

from .business_calendar import BusinessCalendar
from .followup import (
    CHANNELS,
    ContactRules,
    FollowupLevel,
    OpenItem,
    PartnerDecision,
    PartnerSituation,
    decide_partner,
    level_due_for_item,
)

__all__ = [
    "CHANNELS",
    "BusinessCalendar",
    "ContactRules",
    "FollowupLevel",
    "OpenItem",
    "PartnerDecision",
    "PartnerSituation",
    "decide_partner",
    "level_due_for_item",
]
