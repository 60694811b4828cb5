/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

function assertFitsScreen() {
    const width = document.documentElement.scrollWidth;
    if (width > window.innerWidth + 1) {
        throw new Error(
            `The alarm page is ${width}px wide on a ${window.innerWidth}px screen`
        );
    }
}

registry.category("web_tour.tours").add("crisis_management_alarm_tour", {
    steps: () => [
        {
            content: "The alarm names the role, on a phone without scrolling sideways",
            trigger: ".o_crisis_alarm_page:contains(Spokesperson)",
            run: assertFitsScreen,
        },
        {
            content: "Coming later: the minutes",
            trigger: ".o_crisis_alarm_page input[name=eta_minutes]",
            run: "edit 25",
        },
        {
            content: "Send the answer",
            trigger: ".o_crisis_alarm_page button[value=later]",
            run: "click",
        },
        {
            content: "The answer is recorded",
            trigger: ".o_crisis_alarm_recorded:contains(25)",
            run: assertFitsScreen,
        },
        {
            content: "Changed my mind: coming now",
            trigger: ".o_crisis_alarm_page button[value=coming]",
            run: "click",
        },
        {
            content: "The last answer counts",
            trigger: ".o_crisis_alarm_recorded:contains(coming)",
        },
    ],
});
