/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {Component, onWillStart, onWillUnmount, useState} from "@odoo/owl";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";

/**
 * Red indicator in the systray while a company of the user is in crisis
 * mode. Clicking it opens the situation picture of the crisis incident.
 * The server pushes a bus notification when crisis mode changes, so every
 * open web client updates at once.
 */
export class CrisisModeSystray extends Component {
    static template = "crisis_management.CrisisModeSystray";
    static props = {};

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.busService = this.env.services.bus_service;
        this.state = useState({active: false, crises: [], exercises: []});
        this.onCrisisModeChanged = () => this.load();
        onWillStart(() => this.load());
        if (this.busService) {
            this.busService.subscribe(
                "crisis_management/crisis_mode",
                this.onCrisisModeChanged
            );
            onWillUnmount(() =>
                this.busService.unsubscribe(
                    "crisis_management/crisis_mode",
                    this.onCrisisModeChanged
                )
            );
        }
    }

    async load() {
        const status = await this.orm.call(
            "res.company",
            "get_crisis_mode_status",
            []
        );
        this.state.active = status.active;
        this.state.crises = status.crises;
        this.state.exercises = await this.orm.call(
            "res.company",
            "get_crisis_exercise_status",
            []
        );
    }

    async open(crisis) {
        if (!crisis.can_open) {
            return;
        }
        const action = await this.orm.call(
            "crisis.incident",
            "action_open_situation",
            [[crisis.incident_id]]
        );
        await this.action.doAction(action);
    }

    async openExercise(exercise) {
        const action = await this.orm.call(
            "crisis.incident",
            "action_open_situation",
            [[exercise.incident_id]]
        );
        await this.action.doAction(action);
    }
}

registry
    .category("systray")
    .add("crisis_management.crisis_mode", {Component: CrisisModeSystray}, {sequence: 1});
