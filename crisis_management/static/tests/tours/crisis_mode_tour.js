/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("crisis_management_crisis_mode_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Crisis mode shows in the systray",
            trigger: ".o_crisis_mode_indicator:contains(Tour-Brand)",
            run: "click",
        },
        {
            content: "It opens the crisis incident",
            trigger: ".o_form_view .o_field_widget[name=name]:contains(Tour-Brand)",
        },
    ],
});

registry.category("web_tour.tours").add("crisis_management_no_crisis_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "The web client is loaded",
            trigger: ".o_main_navbar .o_menu_systray",
        },
        {
            content: "No crisis, no indicator",
            trigger: ".o_menu_systray:not(:has(.o_crisis_mode_indicator))",
        },
    ],
});
