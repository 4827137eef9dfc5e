import { registry } from "@web/core/registry";

// The protest of Devedora Comercial Ltda's overdue invoice, from the invoice to the registered protest.
// The server's clock is pinned by the test: Monday 16 March 2026 in the evening for the company (São Paulo),
// already Tuesday for the manager (Brussels); then Thursday 19, the last day to pay.
const CUSTOMER = "Devedora Comercial Ltda";

function card(column, text) {
    return `.o_kanban_group:has(.o_column_title:contains('${column}')) .o_kanban_record:contains('${text}')`;
}

function currentStep(label) {
    return `.o_form_view .o_statusbar_status button.o_arrow_button_current:contains('${label}')`;
}

// The manager, working in both companies, protests the invoice and sends it to the notary.
registry.category("web_tour.tours").add("collections_protest_send_tour", {
    steps: () => [
        {
            content: "The branch's overdue invoice is open",
            trigger: ".o_form_view .o_field_widget[name='partner_id']:contains('Cliente da Filial Ltda')",
        },
        {
            content: "The branch has no protest rule: no Protest button",
            trigger:
                ".o_form_view:has(.o_field_widget[name='partner_id']:contains('Cliente da Filial Ltda'))" +
                ":not(:has(button[name='action_collections_protest']))",
        },
        {
            content: "Back to the invoices",
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: `Open the invoice of ${CUSTOMER}`,
            trigger: `.o_list_view .o_data_row td.o_data_cell:contains('${CUSTOMER}')`,
            run: "click",
        },
        {
            content: "The company has a protest rule: protest the invoice",
            trigger: ".o_form_view button[name='action_collections_protest']",
            run: "click",
        },
        {
            content: "The draft is named by its invoice and customer",
            trigger: `.o_form_view .oe_title:contains('Draft - INV/'):contains('${CUSTOMER}')`,
        },
        {
            content: "Choose the notary office",
            trigger: ".o_form_view .o_field_widget[name='notary_id'] input",
            run: "edit Primeiro Tabelionato",
        },
        {
            content: "Pick it from the list",
            trigger: ".o-autocomplete--dropdown-item a:contains('Primeiro Tabelionato')",
            run: "click",
        },
        {
            content: "Send it to the notary",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_send']",
            run: "click",
        },
        {
            content: "The step is dated the company's Monday, not the manager's Tuesday in Brussels",
            trigger: ".modal .o_field_widget[name='date']:contains('Mar 16')",
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
            trigger: currentStep("Sent to the Notary"),
        },
        {
            content: "It has its reference",
            trigger: ".o_form_view .oe_title:contains('PRT/')",
        },
    ],
});

// The same evening in São Paulo, the collector records the protocol from the board.
registry.category("web_tour.tours").add("collections_protest_protocol_tour", {
    steps: () => [
        {
            content: "Drafts are on the board by default, named so they are recognised",
            trigger: card("Draft", "Draft - INV/") + ":contains('Atacado Proposto Ltda')",
        },
        {
            content: "Empty steps are folded columns of the board",
            trigger: ".o_kanban_group.o_column_folded .o_column_title:contains('Protested')",
        },
        {
            content: "Open the protest sent to the notary",
            trigger: card("Sent to the Notary", CUSTOMER),
            run: "click",
        },
        {
            content: "The notary protocolled the title",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_protocol']",
            run: "click",
        },
        {
            content: "The protocol is dated today for the company, the day it was sent",
            trigger: ".modal .o_field_widget[name='date']:contains('Mar 16')",
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
            content: "The protest is protocolled",
            trigger: currentStep("Protocolled"),
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

// On the last day to pay, the collector sees it on the board, then records the notification and the protest.
registry.category("web_tour.tours").add("collections_protest_outcome_tour", {
    steps: () => [
        {
            content: "The card says the last day to pay is today",
            trigger: card("Protocolled", CUSTOMER) + " [name='deadline'].text-danger:contains('today')",
        },
        {
            content: "Open the protest",
            trigger: card("Protocolled", CUSTOMER),
            run: "click",
        },
        {
            content: "The debtor was notified",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_notify']",
            run: "click",
        },
        {
            content: "Dated today",
            trigger: ".modal .o_field_widget[name='date']:contains('Mar 19')",
        },
        {
            content: "Confirm the notification",
            trigger: ".modal footer button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The debtor is notified",
            trigger: currentStep("Debtor Notified"),
        },
        {
            content: "The notary registered the protest",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_protest']",
            run: "click",
        },
        {
            content: "Confirm the protest",
            trigger: ".modal footer button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The protest is registered",
            trigger: currentStep("Protested"),
        },
        {
            content: "The protest date is recorded",
            trigger: ".o_form_view .o_field_widget[name='protest_date']:contains('Mar 19')",
        },
    ],
});
