from . import (
    collections_book_charges,
    collections_book_charges_line,
    collections_call_log,
    collections_negotiation_decision,
    collections_preview,
    collections_preview_line,
    collections_protest_step,
    collections_send,
    collections_tone_accept,
)
