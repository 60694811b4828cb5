/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// Four eyes on the content form (tests/test_message.py starts these): the
// author of a text in review is offered no "Approve" ("Freigeben"); another
// member of the crisis team is, and approves it.
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("crisis_management_message_author_tour", {
    steps: () => [
        {
            content: "The author's own text awaits review",
            trigger:
                ".o_form_view .o_statusbar_buttons button[name=action_draft]:contains(Zurück zum Entwurf)",
        },
        {
            content: "The author is offered no „Freigeben“",
            trigger:
                ".o_form_view .o_form_statusbar:not(:has(button[name=action_approve])):not(:has(.o_statusbar_buttons button:contains(Freigeben)))",
        },
    ],
});

registry.category("web_tour.tours").add("crisis_management_message_approver_tour", {
    steps: () => [
        {
            content: "Another member of the crisis team approves the text",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_approve]:contains(Approve)",
            run: "click",
        },
        {
            content: "The text is approved",
            trigger:
                ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Approved)",
        },
    ],
});
