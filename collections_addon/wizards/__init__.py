from . import (
    collections_call_log,
    collections_negotiation_decision,
    collections_preview,
    collections_preview_line,
    collections_protest_step,
    collections_send,
    collections_tone_accept,
)
