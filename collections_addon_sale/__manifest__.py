{
    "name": "Collections: Sales Credit Hold",
    "version": "19.0.1.0.0",
    "summary": "Refuses to confirm the sales orders of customers on credit hold; a release right with a reason",
    "category": "Accounting/Accounting",
    "author": "collections_addon contributors",
    "license": "LGPL-3",
    # The bridge between Collections and Sales: installed by itself as soon as both are (auto_install), so the
    # Collections addon itself never depends on Sales.
    "depends": ["collections_addon", "sale"],
    "auto_install": True,
    "data": [
        "security/ir.model.access.csv",
        "views/sale_order_views.xml",
        "views/collections_credit_hold_release_views.xml",
    ],
    "installable": True,
}
