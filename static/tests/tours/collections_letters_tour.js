import { registry } from "@web/core/registry";

// A collector prints the letters waiting in Letters to Print: they leave the list once printed.
registry.category("web_tour.tours").add("collections_letters_tour", {
    steps: () => [
        {
            content: "The first letter waits to be printed",
            trigger: ".o_list_view .o_data_row:contains('Tour Letter One')",
        },
        {
            content: "The second letter waits to be printed",
            trigger: ".o_list_view .o_data_row:contains('Tour Letter Two')",
        },
        {
            content: "Select all the letters",
            trigger: ".o_list_view thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Open the Actions menu",
            trigger: ".o_control_panel .o_cp_action_menus button:contains('Actions')",
            run: "click",
        },
        {
            content: "Print the letters",
            trigger: ".o-dropdown--menu .o_menu_item:contains('Print Letters')",
            run: "click",
        },
        {
            content: "The list reloads: nothing is left to print",
            trigger: ".o_view_nocontent:contains('No letter to print')",
        },
        {
            content: "The printed letters left the list",
            trigger: "body:not(:has(.o_data_row))",
        },
    ],
});
