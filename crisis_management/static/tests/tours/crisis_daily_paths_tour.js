/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// The daily paths of each crisis role, walked in the browser as that role
// (tests/test_daily_paths_tour.py starts them).
import {registry} from "@web/core/registry";

function openMenu(section, item) {
    return [
        {
            content: `Open the menu ${section}`,
            trigger: `.o_main_navbar .o_menu_sections button:contains(${section})`,
            run: "click",
        },
        {
            content: `Choose ${item}`,
            trigger: `.o-dropdown--menu .dropdown-item:contains(${item})`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("crisis_management_hotline_day_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "During crisis mode the hotline lands on the situation wall",
            trigger: ".o_crisis_wall .o_crisis_wall_name:contains(Tour-Brand Halle 9)",
        },
        ...openMenu("Hotline", "Answer Calls"),
        {
            content: "The hotline screen is open on the crisis incident",
            trigger: ".o_form_view .o_field_widget[name=incident_id] input:value(Tour-Brand Halle 9)",
        },
        {
            content: "A blank call cannot be saved",
            trigger: ".o_form_view button[name=action_hotline_follow_up]",
            run: "click",
        },
        {
            content: "The question is required",
            trigger: ".o_form_view .o_field_widget.o_field_invalid[name=question]",
        },
        {
            content: "Who is calling",
            trigger: ".o_form_view .o_field_widget[name=caller_name] input",
            run: "edit Tour Anruferin Krause",
        },
        {
            content: "What they ask",
            trigger: ".o_form_view .o_field_widget[name=question] textarea",
            run: "edit Tour: Darf ich das Fenster öffnen?",
        },
        {
            content: "Call back later, next call",
            trigger: ".o_form_view button[name=action_hotline_follow_up]",
            run: "click",
        },
        {
            content: "The next call starts on an empty screen",
            trigger: ".o_form_view .o_field_widget[name=question] textarea:value()",
        },
        ...openMenu("Hotline", "Inquiries"),
        {
            content: "The inquiry list opens as a list, with the call just taken",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains(Tour: Darf ich das Fenster öffnen?)",
        },
    ],
});

registry.category("web_tour.tours").add("crisis_management_broadcast_day_tour", {
    url: "/odoo/action-crisis_management.crisis_incident_action",
    steps: () => [
        ...openMenu("Communication", "Broadcasts"),
        {
            content: "Start a new broadcast",
            trigger: ".o_control_panel .o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit Tour-Nachbarinfo",
        },
        {
            content: "The incident picker lists the crisis incident",
            trigger: ".o_form_view .o_field_widget[name=incident_id] input",
            run: "edit Tour-Brand",
        },
        {
            content: "Choose it",
            trigger: ".o-autocomplete--dropdown-item:contains(Tour-Brand Halle 9)",
            run: "click",
        },
        {
            content: "Choose the approved key message",
            trigger: ".o_form_view .o_field_widget[name=message_id] input",
            run: "edit Tour-Kernbotschaft",
        },
        {
            content: "It is offered",
            trigger: ".o-autocomplete--dropdown-item:contains(Tour-Kernbotschaft)",
            run: "click",
        },
        {
            content: "The text is shown in German",
            trigger: ".o_form_view .o_crisis_preview_de:contains(Fenster geschlossen halten)",
        },
        {
            content: "and in English",
            trigger: ".o_form_view .o_crisis_preview_en:contains(Keep windows closed)",
        },
        {
            content: "Address the neighbours",
            trigger: ".o_form_view .o_field_widget[name=audience_type_ids] input",
            run: "edit Tour-Anwohner",
        },
        {
            content: "Pick the stakeholder type",
            trigger: ".o-autocomplete--dropdown-item:contains(Tour-Anwohner)",
            run: "click",
        },
        {
            content: "The reach is shown before sending",
            trigger: ".o_form_view .o_field_widget[name=audience_count]:contains(2)",
        },
        {
            content: "Send opens the send dialog",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_prepare_send]",
            run: "click",
        },
        {
            content: "The dialog shows the reach per channel",
            trigger: ".modal .o_crisis_send_reach",
        },
        {
            content: "Send from the dialog",
            trigger: ".modal .modal-footer button[name=action_send]",
            run: "click",
        },
        {
            content: "The broadcast is on its way",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:not(:contains(Draft))",
        },
    ],
});

registry.category("web_tour.tours").add("crisis_management_sales_day_tour", {
    url: "/odoo/crm",
    steps: () => [
        {
            content: "The affected opportunity's card carries the crisis mark",
            trigger: ".o_kanban_record:contains(Tour Dock 3) .o_crisis_kanban_mark",
        },
        {
            content: "An unaffected opportunity carries none",
            trigger: ".o_kanban_record:contains(Tour Ruhiger Auftrag):not(:has(.o_crisis_kanban_mark))",
        },
        {
            content: "Open the affected opportunity",
            trigger: ".o_kanban_record:contains(Tour Dock 3) .o_kanban_record_title, .o_kanban_record:contains(Tour Dock 3) span:contains(Tour Dock 3)",
            run: "click",
        },
        {
            content: "The form warns about the crisis",
            trigger: ".o_form_view .o_crisis_banner:contains(Tour-Leck P7)",
        },
    ],
});

registry.category("web_tour.tours").add("crisis_management_sales_forecast_tour", {
    url: "/odoo/action-crm.crm_lead_action_forecast",
    steps: () => [
        {
            content: "The forecast board shows the affected opportunity with the crisis mark",
            trigger: ".o_kanban_record:contains(Tour Dock 3) .o_crisis_kanban_mark",
        },
        {
            content: "and the unaffected one without",
            trigger: ".o_kanban_record:contains(Tour Ruhiger Auftrag):not(:has(.o_crisis_kanban_mark))",
        },
    ],
});

registry.category("web_tour.tours").add("crisis_management_settings_day_tour", {
    url: "/odoo/action-crisis_management.crisis_incident_action",
    steps: () => [
        ...openMenu("Configuration", "Settings"),
        {
            content: "The crisis settings show the company's response time",
            trigger: ".o_form_view .o_field_widget[name=crisis_inquiry_sla_minutes] input:value(120)",
        },
        {
            content: "Shorten it",
            trigger: ".o_form_view .o_field_widget[name=crisis_inquiry_sla_minutes] input",
            run: "edit 45",
        },
        {
            content: "Choose the hotline team",
            trigger: ".o_form_view .o_field_widget[name=crisis_hotline_team_ids] input",
            run: "edit Tour-Innendienst",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-item:contains(Tour-Innendienst)",
            run: "click",
        },
        {
            content: "Hold broadcasts a little longer before they leave",
            trigger: ".o_form_view .o_field_widget[name=crisis_send_delay_seconds] input",
            run: "edit 30",
        },
        {
            content: "Write the legal details in German",
            trigger: ".o_form_view .o_field_widget[name=crisis_legal_footer_de] textarea",
            run: "edit Tour Alltag GmbH, Amtsgericht Halle (Saale) HRB 4711",
        },
        {
            content: "and in English",
            trigger: ".o_form_view .o_field_widget[name=crisis_legal_footer_en] textarea",
            run: "edit Tour Alltag GmbH, Local Court Halle (Saale) HRB 4711",
        },
        {
            content: "The standing crisis team is one click away",
            trigger: ".o_form_view button:contains(Standing Crisis Team)",
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_statusbar_buttons button[name=execute]",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_notification:contains(are saved)",
        },
        {
            content: "The screen shows the saved value",
            trigger: ".o_form_view .o_field_widget[name=crisis_inquiry_sla_minutes] input:value(45)",
        },
        {
            content: "and the saved hold before sending",
            trigger: ".o_form_view .o_field_widget[name=crisis_send_delay_seconds] input:value(30)",
        },
        {
            content: "Open the standing crisis team from the settings",
            trigger: ".o_form_view button:contains(Standing Crisis Team)",
            run: "click",
        },
        {
            content: "The roster list opens",
            trigger: ".o_breadcrumb:contains(Standing Crisis Team)",
        },
    ],
});
