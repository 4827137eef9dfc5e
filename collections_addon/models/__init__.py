from . import (
    account_move,
    account_move_line,
    collections_event,
    collections_level,
    collections_policy,
    collections_runner,
    mail_mail,
    res_partner,
)
