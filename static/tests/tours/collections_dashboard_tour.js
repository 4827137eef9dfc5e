import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// A manager opens the Collections app, lands on the dashboard, reads the figures and opens a report from a card.
registry.category("web_tour.tours").add("collections_dashboard_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Collections app",
            trigger: ".o_app[data-menu-xmlid='collections_addon.menu_collections_root']",
            run: "click",
        },
        {
            content: "The manager lands on the dashboard: nothing computed yet",
            trigger: ".o_collections_dashboard .o_collections_dashboard_refreshed:contains('not computed')",
        },
        {
            content: "Compute the reports",
            trigger: ".o_collections_dashboard .o_collections_dashboard_refresh",
            run: "click",
        },
        {
            content: "The overdue balance of the scenario",
            trigger: ".o_collections_card_aging .o_collections_card_value:contains('1,500.00')",
        },
        {
            content: "The recovery after the reminder: the customer paid 600 within 30 days",
            trigger: ".o_collections_card_recovery .o_collections_card_value:contains('600.00')",
        },
        {
            content: "A longer period",
            trigger: ".o_collections_dashboard .o_collections_dashboard_period",
            run: "select 90",
        },
        {
            content: "Still the same recovery over 90 days",
            trigger: ".o_collections_card_recovery .o_collections_card_value:contains('600.00')",
        },
        {
            content: "Open the recovery report from its card",
            trigger: ".o_collections_card_recovery",
            run: "click",
        },
        {
            content: "The report opens on its pivot",
            trigger: ".o_pivot_view .o_pivot",
        },
        {
            content: "Back to the dashboard through the breadcrumb",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Dashboard')",
            run: "click",
        },
        {
            content: "The dashboard again",
            trigger: ".o_collections_dashboard .o_collections_card_aging",
        },
    ],
});
