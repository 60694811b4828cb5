/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {Component, onWillStart, onWillUnmount, useRef, useState} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {deserializeDateTime, formatDateTime} from "@web/core/l10n/dates";
import {registry} from "@web/core/registry";
import {standardActionServiceProps} from "@web/webclient/actions/action_service";
import {useService} from "@web/core/utils/hooks";

export const SITUATION_CHANGED = "crisis_management/situation_changed";
// The figures follow the clock too (a deadline passes without any write).
const CLOCK_RELOAD_MS = 60000;
// Changes often come in bursts (a playbook creates ten tasks): one reload.
const BURST_DELAY_MS = 300;

/**
 * The live situation picture for the wall: big figures of one incident,
 * fetched from crisis.incident.get_situation_dashboard() and fetched again
 * whenever the server announces a change of that incident on the bus.
 * Further sections (added on the server by other addons) come with their
 * labels and are rendered as they are: this component knows none of them.
 */
export class CrisisSituationDashboard extends Component {
    static template = "crisis_management.SituationDashboard";
    static props = {...standardActionServiceProps};

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.busService = useService("bus_service");
        this.root = useRef("root");
        this.state = useState({
            incidentId: null,
            incidents: [],
            values: null,
            loaded: false,
            reloads: 0,
        });
        this.channel = null;
        this.reloadTimeout = null;
        this.onSituationChanged = (payload) => {
            if (payload && payload.incident_id === this.state.incidentId) {
                this.scheduleReload();
            }
        };
        this.onReconnect = () => this.scheduleReload();
        this.busService.subscribe(SITUATION_CHANGED, this.onSituationChanged);
        this.busService.addEventListener("reconnect", this.onReconnect);
        this.clock = setInterval(() => this.scheduleReload(), CLOCK_RELOAD_MS);
        onWillStart(() => this.start());
        onWillUnmount(() => {
            clearInterval(this.clock);
            clearTimeout(this.reloadTimeout);
            this.busService.unsubscribe(SITUATION_CHANGED, this.onSituationChanged);
            this.busService.removeEventListener("reconnect", this.onReconnect);
            this.listen(null);
        });
    }

    async start() {
        const {action, state} = this.props;
        this.state.incidents = await this.orm.call(
            "crisis.incident",
            "get_situation_dashboard_incidents",
            []
        );
        const wanted =
            (action.params && action.params.incident_id) ||
            (state && state.incident_id) ||
            (action.context && action.context.active_id);
        const first = this.state.incidents.length && this.state.incidents[0].id;
        await this.show(wanted || first || null);
    }

    async show(incidentId) {
        this.state.incidentId = incidentId;
        this.listen(incidentId);
        if (incidentId && this.props.updateActionState) {
            this.props.updateActionState({incident_id: incidentId});
        }
        await this.load();
    }

    /** Listen on the bus channel of one incident (the server checks access). */
    listen(incidentId) {
        if (this.channel) {
            this.busService.deleteChannel(this.channel);
            this.channel = null;
        }
        if (incidentId) {
            this.channel = `crisis_management.situation:${incidentId}`;
            this.busService.addChannel(this.channel);
        }
    }

    scheduleReload() {
        clearTimeout(this.reloadTimeout);
        this.reloadTimeout = setTimeout(() => this.load(), BURST_DELAY_MS);
    }

    async load() {
        const incidentId = this.state.incidentId;
        const values = incidentId
            ? await this.orm.call("crisis.incident", "get_situation_dashboard", [
                  [incidentId],
              ])
            : null;
        if (incidentId === this.state.incidentId) {
            this.state.values = values;
            this.state.loaded = true;
            this.state.reloads++;
        }
    }

    get mainFigures() {
        const {tasks, inquiries} = this.state.values;
        return [
            {key: "tasks_open", label: _t("Open tasks"), value: tasks.open},
            {
                key: "tasks_overdue",
                label: _t("Overdue tasks"),
                value: tasks.overdue,
                level: tasks.overdue ? "danger" : "normal",
            },
            {
                key: "inquiries_open",
                label: _t("Open inquiries"),
                value: inquiries.open,
            },
            {
                key: "inquiries_overdue",
                label: _t("Overdue inquiries"),
                value: inquiries.overdue,
                level: inquiries.overdue ? "danger" : "normal",
            },
            {
                key: "oldest_wait",
                label: _t("Longest wait"),
                value: inquiries.open ? this.formatMinutes(inquiries.oldest_wait_minutes) : "–",
                level: inquiries.overdue ? "danger" : "normal",
            },
        ];
    }

    formatMinutes(minutes) {
        if (minutes < 60) {
            return _t("%(minutes)s min", {minutes});
        }
        const hours = Math.floor(minutes / 60);
        // Hours and minutes as on a clock ("5:02 h"): short enough for one line.
        const rest = String(minutes % 60).padStart(2, "0");
        return _t("%(hours)s:%(minutes)s h", {hours, minutes: rest});
    }

    formatTime(value) {
        return value
            ? formatDateTime(deserializeDateTime(value), {format: "HH:mm"})
            : "";
    }

    async openIncident() {
        await this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "crisis.incident",
            res_id: this.state.incidentId,
            views: [[false, "form"]],
        });
    }

    /** Only the wall on the whole screen, without the web client around it. */
    fullscreen() {
        if (document.fullscreenElement) {
            document.exitFullscreen();
        } else if (this.root.el && this.root.el.requestFullscreen) {
            this.root.el.requestFullscreen();
        }
    }
}

registry
    .category("actions")
    .add("crisis_management.situation_dashboard", CrisisSituationDashboard);
