/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("crisis_management_crm_banner_tour", {
    steps: () => [
        {
            content: "The contact form warns about the crisis",
            trigger: ".o_crisis_banner:contains(Tour-Leck P7)",
        },
        {
            content: "with the current approved key message",
            trigger: ".o_crisis_banner:contains(Tour key message: stop P7)",
        },
        {
            content: "and what the customer asked",
            trigger: ".o_crisis_banner:contains(Tour: are our pumps affected?)",
        },
        {
            content: "The smart button lists the customer's inquiries",
            trigger: ".oe_stat_button[name=action_crisis_inquiries]",
            run: "click",
        },
        {
            content: "The inquiry is listed",
            trigger: ".o_list_view .o_data_cell:contains(Tour: are our pumps affected?)",
        },
    ],
});

registry.category("web_tour.tours").add("crisis_management_crm_lead_banner_tour", {
    steps: () => [
        {
            content: "The opportunity form warns about the crisis",
            trigger: ".o_lead_opportunity_form .o_crisis_banner:contains(Tour-Leck P7)",
        },
    ],
});

registry.category("web_tour.tours").add("crisis_management_crm_no_banner_tour", {
    steps: () => [
        {
            content: "The contact form is loaded",
            trigger: ".o_form_view .o_form_sheet .oe_title",
        },
        {
            content: "Nothing of a confidential incident shows",
            trigger: ".o_form_view:not(:has(.o_crisis_banner)):not(:contains(Tour-Geheim))",
        },
    ],
});
