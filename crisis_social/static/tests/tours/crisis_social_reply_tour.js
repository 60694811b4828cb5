/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// The spokesperson answers a post with approved words (tests/test_reply_tour.py).
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("crisis_social_reply_tour", {
    steps: () => [
        {
            content: "Draft a reply from the approved key message",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_draft_reply]",
            run: "click",
        },
        {
            content: "The draft uses the approved words",
            trigger: ".o_form_view .o_field_widget[name=reply_draft] textarea:value(/Keine Gefahr für Anwohner/)",
        },
        {
            content: "After posting it, mark the post answered",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_mark_answered]",
            run: "click",
        },
        {
            content: "The post is answered",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Answered)",
        },
    ],
});
