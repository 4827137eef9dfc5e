"""The dashboard's cards: each report's headline figures laid out as a title, a main figure, lines and bars.

A builder takes the environment, a money formatter (company currency) and the report's ``_dashboard_figures``
dict, and returns the card; the dashboard adds the card's key and the action it opens.
"""

from odoo.tools.misc import format_date

# The periods (days back from today) a manager can choose on the dashboard; the first is the default.
DASHBOARD_PERIODS = (30, 90, 365)


def _percent(value):
    return "—" if value is None else f"{value:.1f} %"


def _days(env, value):
    return "—" if value is None else env._("%s days", f"{value:g}")


def _bars(rows):
    """Bars scaled on the largest value: [{label, text, ratio}] with ratio 0-100."""
    top = max((abs(value or 0.0) for _label, value, _text in rows), default=0.0)
    return [
        {"label": label, "text": text, "ratio": round(100 * abs(value or 0.0) / top) if top else 0}
        for label, value, text in rows
    ]


def aging_card(env, money, figures):
    labels = {
        "not_due": env._("Not due"),
        "days_1_30": env._("1-30 days"),
        "days_31_60": env._("31-60 days"),
        "days_61_90": env._("61-90 days"),
        "days_90_plus": env._("Over 90 days"),
    }
    return {
        "title": env._("Overdue Today"),
        "value": money(figures.get("overdue")),
        "caption": env._("Receivables past their due date, by days late"),
        "lines": [[env._("Total receivables"), money(figures.get("total"))]],
        "bars": _bars([(labels[key], figures.get(key), money(figures.get(key))) for key in labels]),
    }


def dso_card(env, money, figures):
    return {
        "title": env._("DSO and CEI"),
        "value": _days(env, figures.get("last_month_dso")),
        "caption": env._("Days sales outstanding, last complete month"),
        "lines": [
            [env._("Collection effectiveness (CEI), last month"), _percent(figures.get("last_month_cei"))],
            [env._("DSO, this month so far"), _days(env, figures.get("current_month_dso"))],
            [env._("CEI, this month so far"), _percent(figures.get("current_month_cei"))],
        ],
        "bars": [],
    }


def recovery_card(env, money, figures):
    contacts = figures.get("contacts") or 0
    paid = figures.get("paid_30") or 0
    return {
        "title": env._("Recovery after Contacts"),
        "value": money(figures.get("recovered_30")),
        "caption": env._("Recovered within 30 days of a contact, in the period"),
        "lines": [
            [env._("Contacts"), str(contacts)],
            [env._("Customers contacted"), str(figures.get("customers") or 0)],
            [env._("Contacts paid within 30 days"), _percent(100.0 * paid / contacts if contacts else None)],
            [env._("Median days to payment"), _days(env, figures.get("median_days"))],
        ],
        "bars": [],
    }


def promise_card(env, money, figures):
    return {
        "title": env._("Promises and Agreements"),
        "value": _percent(figures.get("kept_rate")),
        "caption": env._("Promises kept, of those decided (made in the period)"),
        "lines": [
            [env._("Promises made"), str(figures.get("promises") or 0)],
            [env._("Amount promised"), money(figures.get("promised_amount"))],
            [env._("Agreements"), str(figures.get("agreements") or 0)],
            [env._("Agreements paid in full"), str(figures.get("agreements_done") or 0)],
            [env._("Agreements broken"), str(figures.get("agreements_broken") or 0)],
        ],
        "bars": [],
    }


def forecast_card(env, money, figures):
    weeks = figures.get("weeks") or []
    return {
        "title": env._("Cash-in Forecast"),
        "value": money(figures.get("total")),
        "caption": env._("Expected in the next 8 weeks"),
        "lines": [
            [env._("Last week: expected"), money(figures.get("last_week_expected"))],
            [env._("Last week: received"), money(figures.get("last_week_actual"))],
        ],
        "bars": _bars(
            [
                (format_date(env, week["week_start"], date_format="MMM d"), week["expected"], money(week["expected"]))
                for week in weeks
            ]
        ),
    }


def activity_card(env, money, figures):
    return {
        "title": env._("Collector Activity"),
        "value": str(figures.get("contacts") or 0),
        "caption": env._("Contacts made in the period"),
        "lines": [
            [env._("Calls logged"), str(figures.get("calls") or 0)],
            [env._("Calls that reached the customer"), str(figures.get("calls_reached") or 0)],
            [env._("Recovered within 30 days"), money(figures.get("recovered_30"))],
            [env._("Promises obtained"), str(figures.get("promises") or 0)],
            [env._("Open tasks"), str(figures.get("open_tasks") or 0)],
            [env._("Oldest open task"), _days(env, figures.get("oldest_task_days"))],
        ],
        "bars": [],
    }


# (card key, report model, action xml id, builder), in the dashboard's order.
CARD_BUILDERS = (
    ("aging", "collections.report.aging", "collections_addon.collections_report_aging_action", aging_card),
    ("recovery", "collections.report.recovery", "collections_addon.collections_report_recovery_action", recovery_card),
    ("forecast", "collections.report.forecast", "collections_addon.collections_report_forecast_action", forecast_card),
    ("dso", "collections.report.dso", "collections_addon.collections_report_dso_action", dso_card),
    ("promise", "collections.report.promise", "collections_addon.collections_report_promise_action", promise_card),
    ("activity", "collections.report.activity", "collections_addon.collections_report_activity_action", activity_card),
)
