import { registry } from "@web/core/registry";

// A manager sends a proposed protest to the notary, then records the protocol: the last day to pay shows.
registry.category("web_tour.tours").add("collections_protest_tour", {
    steps: () => [
        {
            content: "The proposal waits for review",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Draft')",
        },
        {
            content: "Send it to the notary",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_send']",
            run: "click",
        },
        {
            content: "Through a bank instruction, the default",
            trigger: ".modal .o_field_widget[name='send_means'] input",
        },
        {
            content: "Confirm the step",
            trigger: ".modal footer button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The protest is at the notary",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Sent to the Notary')",
        },
        {
            content: "The notary protocolled the title",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_protocol']",
            run: "click",
        },
        {
            content: "Enter the protocol number",
            trigger: ".modal .o_field_widget[name='protocol_number'] input",
            run: "edit PROT-TOUR-7",
        },
        {
            content: "Confirm the protocol",
            trigger: ".modal footer button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The last day to pay is shown",
            trigger: ".o_form_view .alert-warning:contains('until the notary closes on')",
        },
        {
            content: "The protocol number is recorded",
            trigger: ".o_form_view .o_field_widget[name='protocol_number']:contains('PROT-TOUR-7')",
        },
    ],
});
