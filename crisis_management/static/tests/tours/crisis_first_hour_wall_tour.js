/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";
import {rpc} from "@web/core/network/rpc";

function callKw(model, method, args, kwargs = {}) {
    return rpc(`/web/dataset/call_kw/${model}/${method}`, {model, method, args, kwargs});
}

registry.category("web_tour.tours").add("crisis_management_first_hour_wall_tour", {
    steps: () => [
        {
            content: "The wall promises the next public update",
            trigger: ".o_crisis_wall .o_crisis_wall_next_update",
        },
        {
            content: "and counts it down",
            trigger:
                ".o_crisis_wall_section_update_cadence .o_crisis_wall_figure[data-figure=next_update]:contains(min)",
        },
        {
            content: "The 72-hour clock of GDPR Art. 33 runs",
            trigger:
                ".o_crisis_wall_section_deadlines .o_crisis_wall_figure[data-figure=deadline_gdpr_art33]:contains(2 d 23 h)",
            run() {
                window.crisisFirstHourTourMarker = true;
            },
        },
        {
            content: "The lead reports to the authority, with evidence",
            trigger: ".o_crisis_wall",
            async run() {
                const ids = await callKw("crisis.deadline", "search", [
                    [["rule_id.code", "=", "gdpr_art33"]],
                ]);
                await callKw("crisis.deadline", "action_done", [ids, "Tour: LDI-4711"]);
            },
        },
        {
            content: "The wall shows the deadline done, by itself",
            trigger:
                ".o_crisis_wall_section_deadlines .o_crisis_wall_figure[data-figure=deadline_gdpr_art33].o_crisis_wall_level_success",
            timeout: 30000,
            run() {
                if (!window.crisisFirstHourTourMarker) {
                    throw new Error("The page was reloaded: the wall must update by itself.");
                }
            },
        },
    ],
});
