/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";

/**
 * A social media alert is shown at once in the open web clients of the
 * crisis team: the server sends the sentence in each reader's language.
 */
export const crisisSocialAlertService = {
    dependencies: ["bus_service", "notification", "action"],
    start(env, {bus_service, notification, action}) {
        bus_service.subscribe("crisis_social/alert", (payload) => {
            const close = notification.add(payload.message, {
                title: payload.title,
                type: payload.level === "shitstorm" ? "danger" : "warning",
                sticky: true,
                buttons: [
                    {
                        name: _t("Open Alert"),
                        primary: true,
                        onClick: () => {
                            action.doAction({
                                type: "ir.actions.act_window",
                                res_model: "crisis.social.alert",
                                res_id: payload.alert_id,
                                views: [[false, "form"]],
                            });
                            close();
                        },
                    },
                ],
            });
        });
    },
};

registry.category("services").add("crisis_social_alert", crisisSocialAlertService);
