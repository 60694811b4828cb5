/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// Every report printed from the incident's print dialog, as a crisis
// administrator (tests/test_print_tour.py).
import {registry} from "@web/core/registry";

function openDialog() {
    return [
        {
            content: "Open the print dialog",
            trigger: ".o_form_view .o_statusbar_buttons button:contains(Print Report)",
            run: "click",
        },
        {
            content: "The dialog offers the reports",
            trigger: ".modal .o_field_widget[name=report] .o_radio_input",
        },
    ];
}

function printReport(value) {
    return [
        ...openDialog(),
        {
            content: `Choose ${value}`,
            trigger: `.modal .o_radio_input[data-value=${value}]`,
            run: "click",
        },
        {
            content: "Print",
            trigger: ".modal .modal-footer button[name=action_print]",
            run: "click",
        },
        {
            content: "The dialog closes without an error",
            trigger: "body:not(:has(.modal)):not(:has(.o_error_dialog))",
        },
    ];
}

registry.category("web_tour.tours").add("crisis_reports_print_dialog_tour", {
    steps: () => [
        ...printReport("situation"),
        ...printReport("chronology"),
        ...printReport("communication"),
        ...printReport("review"),
        ...openDialog(),
        {
            content: "Choose the data subject access report (Art. 15 GDPR)",
            trigger: ".modal .o_radio_input[data-value=subject_access]",
            run: "click",
        },
        {
            content: "It asks for the person",
            trigger: ".modal .o_field_widget.o_required_modifier[name=partner_id] input",
            run: "edit Doris Deutsch",
        },
        {
            content: "Pick her",
            trigger: ".o-autocomplete--dropdown-item:contains(Doris Deutsch)",
            run: "click",
        },
        {
            content: "Print",
            trigger: ".modal .modal-footer button[name=action_print]",
            run: "click",
        },
        {
            content: "The dialog closes without an error",
            trigger: "body:not(:has(.modal)):not(:has(.o_error_dialog))",
        },
    ],
});
