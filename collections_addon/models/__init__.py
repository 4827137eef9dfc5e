from . import (
    account_move,
    account_move_line,
    collections_event,
    collections_level,
    collections_policy,
    collections_runner,
    ir_actions_report,
    mail_mail,
    report_collections_letter,
    report_collections_statement,
    res_company,
    res_partner,
)
