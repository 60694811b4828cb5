/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("crisis_management_war_room_tour", {
    steps: () => [
        {
            content: "The message of the war room",
            trigger: ".o-mail-Message:contains(Feuerwehr meldet)",
            run: "hover && click .o-mail-Message [title='Expand']",
        },
        {
            content: "One click: into the crisis log",
            trigger: ".o-mail-Message-moreMenu [title='To the Crisis Log']",
            run: "click",
        },
        {
            content: "Confirmed",
            trigger: ".o_notification:contains(Brand in Halle 2)",
        },
    ],
});
