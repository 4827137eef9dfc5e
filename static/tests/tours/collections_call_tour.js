import { registry } from "@web/core/registry";

// A collector opens today's calls, logs a call with its outcome and the customer's promise,
// then looks at the calls planned for later.
registry.category("web_tour.tours").add("collections_call_tour", {
    steps: () => [
        {
            content: "Today's list has the call to make now, not the one planned for tomorrow",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Later Caller'))) .o_data_row:contains('Tour Caller')",
        },
        {
            content: "Log the call of the customer on today's list",
            trigger: ".o_list_view .o_data_row:contains('Tour Caller') button[name='action_log_call']",
            run: "click",
        },
        {
            content: "The call script is shown with the customer's name",
            trigger: ".modal .o_field_widget[name='script_text']:contains('Tour Caller')",
        },
        {
            content: "The customer promises to pay",
            trigger: ".modal .o_field_widget[name='outcome'] input[data-value='promise']",
            run: "click",
        },
        {
            content: "The promised amount starts at what is overdue",
            trigger: ".modal .o_field_widget[name='promise_amount'] input:value('450.00')",
        },
        {
            content: "Note what was said",
            trigger: ".modal .o_field_widget[name='notes'] textarea",
            run: "edit Will pay by Pix on Friday",
        },
        {
            content: "Log the call",
            trigger: ".modal footer button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Show every planned call, not only those to make now",
            trigger: ".o_searchview_facet:contains('To Call Now')",
            run: "hover && click .o_facet_remove",
        },
        {
            content: "The call planned for tomorrow is listed with why it waits",
            trigger: ".o_list_view .o_data_row:contains('Later Caller') td[name='call_wait_reason']:contains('Planned later')",
        },
    ],
});
