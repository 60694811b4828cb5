/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("crisis_management_send_safely_tour", {
    steps: () => [
        {
            content: "A test to oneself first",
            trigger: ".o_form_view button[name=action_send_test]",
            run: "click",
        },
        {
            content: "It went to me only",
            trigger: ".o_notification:contains(Test sent to you only)",
        },
        {
            content: "Send opens the send dialog first",
            trigger: ".o_form_view button[name=action_prepare_send]",
            run: "click",
        },
        {
            content: "The dialog shows the reach per channel",
            trigger: ".modal .o_crisis_send_reach:contains(Will Receive It)",
        },
        {
            content: "and who is skipped, and why",
            trigger: ".modal:contains(Tour Nora):contains(No consent or other legal basis)",
        },
        {
            content: "Send from the dialog",
            trigger: ".modal .modal-footer button[name=action_send]",
            run: "click",
        },
        {
            content: "The broadcast is held, with the time it leaves",
            trigger: ".o_form_view .alert-warning:contains(Held until)",
        },
        {
            content: "Cancel it before it leaves",
            trigger: ".o_form_view button[name=action_cancel]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Nothing is left to cancel",
            trigger: ".o_form_view:not(:has(button[name=action_cancel])):not(:has(.alert-warning:contains(Held until)))",
        },
    ],
});
