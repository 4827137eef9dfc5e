import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

import { Component, onWillStart, useState } from "@odoo/owl";

/**
 * The Collections dashboard: the figures of every report for the current company, each card opening its report.
 * The figures and their formatting come from the server (collections.dashboard.get_dashboard_data), so the
 * dashboard shows exactly what the reports show, under the user's record rules.
 */
export class CollectionsDashboard extends Component {
    static template = "collections_addon.CollectionsDashboard";
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ data: null, periodDays: 30, refreshing: false });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("collections.dashboard", "get_dashboard_data", [], {
            period_days: this.state.periodDays,
        });
    }

    async onPeriodChange(ev) {
        this.state.periodDays = parseInt(ev.target.value, 10);
        await this.load();
    }

    async onRefresh() {
        this.state.refreshing = true;
        try {
            await this.orm.call("collections.dashboard", "action_refresh_reports", []);
            await this.load();
        } finally {
            this.state.refreshing = false;
        }
    }

    openCard(card) {
        return this.action.doAction(card.action);
    }
}

registry.category("actions").add("collections_addon.dashboard", CollectionsDashboard);
