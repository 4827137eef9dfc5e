"""Timing of the reports on the bench data (``./dev.sh bench --reports``, step ``reports`` of tools/bench.py).

On a copy of the bench template: (a) every stored report is refreshed (``_refresh_report(companies)`` of each
``collections.report.*`` model that has it); (b) the dashboard's data is read as an administrator, if the
``collections.dashboard`` model exists; (c) each report's window action of the module is opened as the web
client does it, as the administrator and as a collector: ``get_views``, then the pivot's grouping sets
(``formatted_read_grouping_sets``: its arch's rows, columns and measures under the action's domain and its
default filters), the graph's ``formatted_read_group`` and the list's first page (``web_search_read``, 80
rows). Prints each figure as it comes and a table at the end; works with whatever reports exist.
"""

import time
from datetime import date

from lxml import etree

REPORT_PREFIX = "collections.report."


def reports(args):
    from bench import odoo_env

    odoo, registry = odoo_env(args.odoo_src, args.config, args.database)
    rows = []
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        models = sorted(name for name in env.registry if name.startswith(REPORT_PREFIX))
        if not models and "collections.dashboard" not in env:
            print("no report model (collections.report.*) and no dashboard: nothing to time")
            return 0
        admin = env.ref("base.user_admin")
        collector = env["res.users"].search([("login", "=", "bench.collector1")], limit=1)
        rows += _refresh(env, models)
        cr.commit()
        rows += _dashboard(env, admin)
        for action in _actions(env):
            for user in filter(None, (admin, collector)):
                rows += _open_report(env(user=user.id, context={"allowed_company_ids": user.company_ids.ids}), action)
        cr.rollback()
    _print_table(rows)
    return 0


def _timed(env, label, view, function, cold=False):
    """Runs ``function`` on an empty record cache (``cold``: and empty server caches, as after a restart);
    returns (label, view, seconds, queries, note) and prints it."""
    from odoo import sql_db

    env.invalidate_all()
    if cold:
        env.registry.clear_cache()
    before, started = sql_db.sql_counter, time.perf_counter()
    note = ""
    try:
        result = function()
        env.flush_all()
        note = _size(result)
    except Exception as error:
        env.cr.rollback()
        note = f"FAILED: {type(error).__name__}: {error}"[:160]
    row = (label, view, time.perf_counter() - started, sql_db.sql_counter - before, note)
    print(f"  {row[0]:<50} {row[1]:<26} {row[2]:7.2f} s {row[3]:6d} queries  {row[4]}", flush=True)
    return row


def _size(result):
    if isinstance(result, dict) and "length" in result:
        return f"{result['length']} rows"
    if isinstance(result, list) and result and isinstance(result[0], list):
        return "groups " + "/".join(str(len(groups)) for groups in result)
    if isinstance(result, list):
        return f"{len(result)} groups"
    return ""


def _refresh(env, models):
    rows = []
    companies = env["res.company"].search([])
    for name in models:
        model = env[name]
        if not hasattr(model, "_refresh_report"):
            continue
        rows.append(_timed(env, name, "refresh", lambda model=model: model._refresh_report(companies)))
    if not rows:
        print("  no stored report (no collections.report.* model has _refresh_report)")
    return rows


def _dashboard(env, admin):
    if "collections.dashboard" not in env:
        print("  no dashboard (model collections.dashboard does not exist): skipped")
        return []
    dashboard = env["collections.dashboard"].with_user(admin).with_company(admin.company_id)
    return [_timed(env, "collections.dashboard", "get_dashboard_data", dashboard.get_dashboard_data)]


def _actions(env):
    data = env["ir.model.data"].search(
        [("module", "=", "collections_addon"), ("model", "=", "ir.actions.act_window")], order="name"
    )
    actions = env["ir.actions.act_window"].browse(data.mapped("res_id")).exists()
    found = actions.filtered(lambda action: (action.res_model or "").startswith(REPORT_PREFIX))
    if not found:
        print("  no report action (ir.actions.act_window of collections_addon on collections.report.*): skipped")
    return found


def _open_report(env, action):
    """The calls the web client makes when ``action`` opens, as ``env``'s user."""
    from odoo.tools.safe_eval import safe_eval

    model = env[action.res_model]
    label = f"{action.res_model} ({env.user.login})"
    context = safe_eval(action.context or "{}", _eval_context(env))
    types = [kind for kind in (action.view_mode or "list").split(",") if kind]
    # The action's own views where it names them, as the web client asks for them.
    chosen = {view.view_mode: view.view_id.id for view in action.view_ids}
    if action.view_id:
        chosen.setdefault(action.view_id.type, action.view_id.id)
    views = [[chosen.get(kind, False), kind] for kind in types] + [[action.search_view_id.id or False, "search"]]
    rows = [_timed(env, label, "get_views", lambda: model.with_context(**context).get_views(views, {}), cold=True)]
    loaded = model.with_context(**context).get_views(views, {})["views"]
    domain, groupbys = _default_search(env, action, context, loaded.get("search", {}).get("arch"))
    for kind in types:
        arch = loaded.get(kind, {}).get("arch")
        if kind == "pivot":
            rows.append(_pivot(env, model, label, arch, domain, groupbys, context))
        elif kind == "graph":
            rows.append(_graph(env, model, label, arch, domain, groupbys, context))
        elif kind == "list":
            rows.append(_list(env, model, label, arch, domain, groupbys, context))
    return rows


def _eval_context(env):
    from odoo.tools.safe_eval import datetime, dateutil
    from odoo.tools.safe_eval import time as safe_time

    today = env.company._collections_today() if "collections.event" in env else date.today()
    return {
        "uid": env.uid,
        "user": env.user,
        "context_today": lambda: today,
        "current_date": str(today),
        "datetime": datetime,
        "time": safe_time,
        "relativedelta": dateutil.relativedelta.relativedelta,
        "company_ids": env.user.company_ids.ids,
        "allowed_company_ids": env.user.company_ids.ids,
    }


def _default_search(env, action, context, search_arch):
    """The action's domain plus the domains and group-bys of the search view's default filters."""
    from odoo.tools.safe_eval import safe_eval

    values = _eval_context(env)
    domain = list(safe_eval(action.domain or "[]", values))
    groupbys = []
    if not search_arch:
        return domain, groupbys
    for node in etree.fromstring(search_arch).iter("filter"):
        if not context.get(f"search_default_{node.get('name')}"):
            continue
        if node.get("domain"):
            domain += safe_eval(node.get("domain"), values)
        if node.get("date"):
            domain += _period_domain(node.get("date"), node.get("default_period") or "month", values)
        group_by = safe_eval(node.get("context") or "{}", values).get("group_by")
        if group_by:
            groupbys += [group_by] if isinstance(group_by, str) else list(group_by)
    return domain, groupbys


def _period_domain(field, period, values):
    """The domain of a date filter's default period (this month, quarter or year), as the search panel does."""
    today = values["context_today"]()
    start = today.replace(day=1)
    if "year" in period:
        start = start.replace(month=1)
    elif "quarter" in period:
        start = start.replace(month=(today.month - 1) // 3 * 3 + 1)
    months = 12 if "year" in period else 3 if "quarter" in period else 1
    end = start + values["relativedelta"](months=months)
    return [(field, ">=", str(start)), (field, "<", str(end))]


def _arch_fields(model, arch, kind):
    """The arch's group-bys of ``kind`` (row, col) with their intervals, or its measures."""
    specs = []
    for node in etree.fromstring(arch).iter("field"):
        if node.get("type") not in (kind if isinstance(kind, tuple) else (kind,)):
            continue
        name = node.get("name")
        if kind == "measure":
            specs.append(name)
        elif model._fields[name].type in ("date", "datetime") and ":" not in name:
            specs.append(f"{name}:{node.get('interval') or 'month'}")
        else:
            specs.append(name)
    return specs


def _aggregates(model, measures):
    specs = []
    for name in measures:
        if name == "__count":
            continue
        specs.append(f"{name}:{model._fields[name].aggregator or 'sum'}")
    return [*specs, "__count"]


def _pivot(env, model, label, arch, domain, groupbys, context):
    rows = groupbys or context.get("pivot_row_groupby") or _arch_fields(model, arch, ("row", None))
    cols = context.get("pivot_column_groupby") or _arch_fields(model, arch, "col")
    measures = context.get("pivot_measures") or _arch_fields(model, arch, "measure")
    sets = [rows[:i] + cols[:j] for i in range(len(rows) + 1) for j in range(len(cols) + 1)]
    aggregates = _aggregates(model, measures)
    call = model.with_context(**context).formatted_read_grouping_sets
    return _timed(env, label, f"pivot {'+'.join(rows + cols)}", lambda: call(domain, sets, aggregates))


def _graph(env, model, label, arch, domain, groupbys, context):
    # A graph's fields without a type are group-bys, as type="row" (the first) and type="col" ones.
    groupby = groupbys or context.get("graph_groupbys") or _arch_fields(model, arch, ("row", "col", None))
    measures = context.get("graph_measure") or (_arch_fields(model, arch, "measure") or ["__count"])[:1]
    measures = [measures] if isinstance(measures, str) else measures
    call = model.with_context(fill_temporal=True, **context).formatted_read_group
    return _timed(
        env, label, f"graph {'+'.join(groupby)}", lambda: call(domain, groupby[:2], _aggregates(model, measures))
    )


def _list(env, model, label, arch, domain, groupbys, context):
    names = [node.get("name") for node in etree.fromstring(arch).iter("field") if node.get("name") in model._fields]
    spec = {name: {"fields": {"display_name": {}}} if model._fields[name].type == "many2one" else {} for name in names}
    if groupbys:
        sums = [f"{name}:sum" for name in names if model._fields[name].type in ("monetary", "float", "integer")]
        call = model.with_context(**context).web_read_group
        return _timed(env, label, f"list by {groupbys[0]}", lambda: call(domain, groupbys[:1], sums, limit=80))
    call = model.with_context(**context).web_search_read
    return _timed(env, label, "list", lambda: call(domain, spec, limit=80, count_limit=10001))


def _print_table(rows):
    if not rows:
        return
    print()
    print(f"{'report':<50} {'view':<26} {'seconds':>8} {'queries':>8}")
    for label, view, seconds, queries, note in rows:
        print(f"{label:<50} {view[:26]:<26} {seconds:8.2f} {queries:8d}{'  ' + note if 'FAILED' in note else ''}")
