import { registry } from "@web/core/registry";

// A collector opens today's calls, logs a call with its outcome and the customer's promise.
registry.category("web_tour.tours").add("collections_call_tour", {
    steps: () => [
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
    ],
});
