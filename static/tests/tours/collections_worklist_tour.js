import { registry } from "@web/core/registry";

// A collector opens the worklist, opens a customer and sends the reminder.
registry.category("web_tour.tours").add("collections_worklist_tour", {
    url: "/odoo/action-collections_addon.collections_worklist_action",
    steps: () => [
        {
            content: "Open the customer from the worklist",
            trigger: ".o_list_view .o_data_row td.o_data_cell:contains('Tour Customer')",
            run: "click",
        },
        {
            content: "Open the Collections tab",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Collections')",
            run: "click",
        },
        {
            content: "Send the reminder",
            trigger: ".o_form_view button[name='action_collections_send_now']",
            run: "click",
        },
        {
            content: "The dialog shows what will go out before anything is sent",
            trigger: ".modal .o_field_widget[name='summary']:contains('Protest')",
        },
        {
            content: "Send it",
            trigger: ".modal footer button[name='action_send']",
            run: "click",
        },
        {
            content: "The reminder is confirmed",
            trigger: ".o_notification:contains('contacted')",
        },
    ],
});
