/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";
import {rpc} from "@web/core/network/rpc";

function callKw(model, method, args, kwargs = {}) {
    return rpc(`/web/dataset/call_kw/${model}/${method}`, {model, method, args, kwargs});
}

function wallIncidentId() {
    return parseInt(document.querySelector(".o_crisis_wall").dataset.incidentId, 10);
}

function assertNotReloaded() {
    if (!window.crisisWallTourMarker) {
        throw new Error("The page was reloaded: the wall must update by itself.");
    }
}

registry.category("web_tour.tours").add("crisis_management_situation_dashboard_tour", {
    steps: () => [
        {
            content: "The wall shows the crisis incident",
            trigger: ".o_crisis_wall .o_crisis_wall_name:contains(Tour-Wand)",
        },
        {
            content: "with two open tasks, one of them overdue",
            trigger:
                ".o_crisis_wall_figure[data-figure=tasks_open][data-value='2'] + .o_crisis_wall_figure[data-figure=tasks_overdue][data-value='1']",
            run() {
                // Survives only as long as the page is not reloaded.
                window.crisisWallTourMarker = true;
            },
        },
        {
            content: "Someone elsewhere adds a task (another request, another transaction)",
            trigger: ".o_crisis_wall",
            async run() {
                await callKw("crisis.task", "create", [
                    {incident_id: wallIncidentId(), name: "Tour: Presse zurückrufen"},
                ]);
            },
        },
        {
            content: "The wall counts three open tasks by itself",
            trigger: ".o_crisis_wall_figure[data-figure=tasks_open][data-value='3']",
            timeout: 30000,
            run: assertNotReloaded,
        },
        {
            content: "Someone closes the overdue task",
            trigger: ".o_crisis_wall",
            async run() {
                const ids = await callKw("crisis.task", "search", [
                    [
                        ["incident_id", "=", wallIncidentId()],
                        ["name", "=", "Tour: Feuerwehr informieren"],
                    ],
                ]);
                await callKw("crisis.task", "action_done", [ids]);
            },
        },
        {
            content: "Nothing is overdue any more, two tasks are open",
            trigger:
                ".o_crisis_wall_figure[data-figure=tasks_open][data-value='2'] + .o_crisis_wall_figure[data-figure=tasks_overdue][data-value='0']",
            timeout: 30000,
            run: assertNotReloaded,
        },
        {
            content: "and the task's completion is the newest log entry",
            trigger: ".o_crisis_wall_log_entries li:first-child:contains(Feuerwehr informieren)",
            run: assertNotReloaded,
        },
    ],
});

registry.category("web_tour.tours").add("crisis_management_situation_dashboard_shot_tour", {
    steps: () => [
        {
            content: "The wall is loaded",
            trigger: ".o_crisis_wall .o_crisis_wall_log_entries li",
        },
    ],
});
