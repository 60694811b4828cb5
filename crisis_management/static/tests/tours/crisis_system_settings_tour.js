/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// A system administrator sets the crisis settings in Odoo's own Settings
// (tests/test_system_settings_tour.py starts it).
import {registry} from "@web/core/registry";

const CRISIS = ".app_settings_block[data-key=crisis_management]";

registry.category("web_tour.tours").add("crisis_management_system_settings_tour", {
    url: "/odoo/settings",
    steps: () => [
        {
            content: "Crisis has its own section in Odoo's Settings",
            trigger: ".settings_tab .tab[data-key=crisis_management]",
            run: "click",
        },
        {
            content: "The section shows the company's response time",
            trigger: `${CRISIS} .o_field_widget[name=crisis_inquiry_sla_minutes] input:value(120)`,
        },
        {
            content: "Shorten it",
            trigger: `${CRISIS} .o_field_widget[name=crisis_inquiry_sla_minutes] input`,
            run: "edit 50",
        },
        {
            content: "Name the register court",
            trigger: `${CRISIS} .o_field_widget[name=crisis_register_court] input`,
            run: "edit Amtsgericht Stendal",
        },
        {
            content: "Save (the page reloads: the mark set here is gone afterwards)",
            trigger: ".o-settings-form-view .o_form_button_save",
            run() {
                document.body.classList.add("o_crisis_tour_before_save");
                this.anchor.click();
            },
        },
        {
            content: "Reloaded with the stored values",
            trigger: `body:not(.o_crisis_tour_before_save) ${CRISIS} .o_field_widget[name=crisis_register_court] input:value(Amtsgericht Stendal)`,
        },
    ],
});
