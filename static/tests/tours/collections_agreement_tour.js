import { registry } from "@web/core/registry";

const statusIs = (label) => ({
    content: `The agreement is ${label}`,
    trigger: `.o_statusbar_status button.o_arrow_button_current:contains('${label}')`,
});

// A collector proposes an agreement within the plan's limits, from the customer's form.
registry.category("web_tour.tours").add("collections_agreement_within_limits_tour", {
    steps: () => [
        {
            content: "Open the Collections tab of the customer",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Collections')",
            run: "click",
        },
        {
            content: "Propose an agreement",
            trigger: ".o_form_view button[name='action_collections_negotiate']",
            run: "click",
        },
        {
            content: "The customer's overdue invoices are already there",
            trigger: ".o_field_widget[name='move_ids'] .o_tag",
        },
        {
            content: "Three instalments",
            trigger: ".o_field_widget[name='installment_count'] input",
            run: "edit 3",
        },
        {
            content: "Compute the schedule",
            trigger: ".o_form_view button[name='action_compute_schedule']",
            run: "click",
        },
        {
            content: "The schedule has three instalments",
            trigger: ".o_field_widget[name='installment_ids'] .o_data_row:nth-child(3)",
        },
        {
            content: "Propose it",
            trigger: ".o_form_view button[name='action_propose']",
            run: "click",
        },
        statusIs("Proposed"),
    ],
});

// A collector creates an agreement from the Agreements menu, beyond the limits: a manager must approve.
registry.category("web_tour.tours").add("collections_agreement_beyond_limits_tour", {
    steps: () => [
        {
            content: "New agreement",
            trigger: ".o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        {
            content: "Choose the customer",
            trigger: ".o_field_widget[name='partner_id'] input",
            run: "edit Generous",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-item a:contains('Generous Ltda')",
            run: "click",
        },
        {
            content: "Add the overdue invoice",
            trigger: ".o_field_widget[name='move_ids'] input",
            run: "edit INV",
        },
        {
            content: "Pick the invoice",
            trigger: ".o-autocomplete--dropdown-item a:contains('INV/')",
            run: "click",
        },
        {
            content: "A 40% discount, beyond the plan's 10%",
            trigger: ".o_field_widget[name='discount_value'] input",
            run: "edit 40",
        },
        {
            content: "Propose it",
            trigger: ".o_form_view button[name='action_propose']",
            run: "click",
        },
        statusIs("To Approve"),
        {
            content: "The form says which limit is exceeded",
            trigger: ".alert-warning:contains('discount of 40.00%')",
        },
    ],
});

// A manager approves the agreement beyond the limits, with a reason.
registry.category("web_tour.tours").add("collections_agreement_approval_tour", {
    steps: () => [
        {
            content: "Approve or refuse",
            trigger: ".o_form_view button[name='action_open_decision']",
            run: "click",
        },
        {
            content: "Give the reason",
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit Loyal customer for ten years",
        },
        {
            content: "Approve",
            trigger: ".modal footer button[name='action_approve']",
            run: "click",
        },
        statusIs("Proposed"),
    ],
});

// The customer accepts the agreement on the portal, from the link of the e-mail.
registry.category("web_tour.tours").add("collections_agreement_portal_tour", {
    steps: () => [
        {
            content: "The schedule is shown",
            trigger: "table:contains('Due Date')",
        },
        {
            content: "Type the name",
            trigger: "#collections_accept_name",
            run: "edit Maria Cliente",
        },
        {
            content: "Accept",
            trigger: ".o_collections_agreement_accept button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The acceptance is recorded",
            trigger: "p:contains('Accepted by Maria Cliente')",
        },
    ],
});

// A collector records a promise to pay and a dispute from the customer's form.
registry.category("web_tour.tours").add("collections_promise_dispute_tour", {
    steps: () => [
        {
            content: "Open the Collections tab of the customer",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Collections')",
            run: "click",
        },
        {
            content: "Promise to pay",
            trigger: ".o_form_view button[name='action_collections_promise']",
            run: "click",
        },
        {
            content: "The promise dialog has one way out besides recording: Discard",
            trigger: ".modal:not(:has(.modal-body button[name='action_cancel'])) footer button:contains('Discard')",
        },
        {
            content: "The customer promises for one invoice: remove the other",
            trigger: ".modal .o_field_widget[name='move_ids'] .o_tag:first-child .o_delete",
            run: "click",
        },
        {
            content: "The amount follows the invoices kept",
            trigger: ".modal .o_field_widget[name='amount'] input:value(/^(400\\.01|600\\.00)$/)",
        },
        {
            content: "The promised date",
            trigger: ".modal .o_field_widget[name='date'] input",
            run: "edit 03/27/2026",
        },
        {
            content: "Record the promise",
            trigger: ".modal footer button:contains('Record Promise')",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Open a dispute",
            trigger: ".o_form_view button[name='action_collections_dispute']",
            run: "click",
        },
        {
            content: "The invoice not promised is proposed",
            trigger: ".modal .o_field_widget[name='move_ids'] .o_tag",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit The goods arrived damaged",
        },
        {
            content: "Record the dispute",
            trigger: ".modal footer button:contains('Record Dispute')",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The status says what is going on, the overdue amount stays",
            trigger: ".o_field_widget[name='collections_status']:contains('Disputed')",
        },
    ],
});
