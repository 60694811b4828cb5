/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// One click takes a message of an incident's war room into its crisis log,
// with its author and time. The server refuses messages of any other
// conversation (crisis.incident.log_war_room_message).
import {_t} from "@web/core/l10n/translation";
import {messageActionsRegistry} from "@mail/core/common/message_actions";

messageActionsRegistry.add("crisis-log", {
    condition: (component) =>
        component.props.thread?.model === "discuss.channel" &&
        component.props.thread?.channel_type === "group" &&
        component.store.self.type === "partner" &&
        Boolean(component.props.message.id),
    icon: "fa fa-book",
    title: _t("To the Crisis Log"),
    onClick: async (component) => {
        const notification = component.env.services.notification;
        try {
            const result = await component.env.services.orm.call(
                "crisis.incident",
                "log_war_room_message",
                [component.props.message.id]
            );
            notification.add(
                _t("Taken into the crisis log of %s.", result.incident),
                {type: "success"}
            );
        } catch (error) {
            notification.add(
                error.data?.message || _t("This message could not be logged."),
                {type: "danger"}
            );
        }
    },
    sequence: 75,
});
