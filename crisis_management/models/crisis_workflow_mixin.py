# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The one rule for every crisis record with a workflow."""

from odoo import _lt, api, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command

from ..tools import selection_labels


def _linked_ids(value):
    """The ids a Many2one value or x2many commands link (not those created)."""
    if isinstance(value, models.BaseModel):
        return value.ids
    if isinstance(value, int):
        return [value]
    ids = []
    for command in value if isinstance(value, list | tuple) else ():
        if isinstance(command, int):
            ids.append(command)
        elif command and command[0] == Command.SET:
            ids.extend(command[2])
        elif command and command[0] in (Command.UPDATE, Command.LINK):
            ids.append(command[1])
    return ids


class CrisisWorkflowMixin(models.AbstractModel):
    """Workflow fields change only through the actions.

    A model lists in ``_workflow_fields`` what only its actions write (states,
    approvals, publication flags and dates, tokens, hashes, answers) and in
    ``_workflow_transitions`` which states each action may start from
    (``{target: (from_state, ...)}``; a target may be a pseudo-state such as
    ``"reopen"``). Then:

    - ``create``/``write`` refuse those fields for everyone but the superuser
      mode (an action's ``sudo()`` after its check; no RPC caller, context key
      or import can obtain it), and ``default_<field>`` context keys are
      dropped; what a new record starts with that the model sets itself (a
      reference from a sequence) it writes in ``_workflow_create_values``;
    - other links to an incident's records (content, updates, queries…)
      are refused unless the caller may read what they link: a link shows
      the linked record's name to everyone who reads this one;
    - ``copy()`` never revives a protected state: the copy starts from the
      defaults (``_workflow_copy = "reset"``) or is refused (``"refuse"``);
    - a record hanging off an incident (``_workflow_incident_field``) moves to
      another incident only for someone who may write to both, never in one
      of ``_workflow_frozen_states``, and the move is written into both logs;
      the state field may be a Boolean (``is_published``: frozen states
      ``(True,)``, an action passes ``state=True``/``False``);
    - an action calls ``_workflow_apply(target, vals)``: the caller's write
      access and the transition are checked, the state is written in sudo,
      and ``_workflow_log_transition`` logs it where the model logs.
    """

    _name = "crisis.workflow.mixin"
    _description = "Crisis Workflow Rules"

    _workflow_fields = frozenset()
    _workflow_transitions = {}
    _workflow_state_field = "state"
    _workflow_incident_field = "incident_id"
    # False where the incident is optional (e.g. content for every incident):
    # then a record may also be taken out of its incident, by someone who may
    # write there.
    _workflow_incident_required = True
    _workflow_frozen_states = ()
    _workflow_copy = "reset"
    # The states in which a record may be deleted (empty: any); see
    # ``_workflow_unlink_refusal`` for the message otherwise.
    _workflow_unlink_states = ()

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._workflow_guard(vals_list)
            self._workflow_check_links(vals_list)
            self = self._workflow_without_defaults()
        self._workflow_create_values(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._workflow_guard([vals])
            self._workflow_check_links([vals])
        moved = self._workflow_check_move(vals)
        result = super().write(vals)
        if moved:
            self._workflow_log_move(moved)
        return result

    def copy_data(self, default=None):
        if self._workflow_copy == "refuse" and not self.env.su:
            raise UserError(
                self._workflow_env()._(
                    "“%(model)s” records cannot be duplicated: they are evidence. "
                    "Create a new one instead.",
                    model=self._workflow_model_label(),
                )
            )
        default = dict(default or {})
        if not self.env.su:
            self._workflow_guard([default])
        vals_list = super().copy_data(default=default)
        for vals in vals_list:
            for name in self._workflow_fields:
                if name not in default:
                    vals.pop(name, None)
        return vals_list

    def _workflow_create_values(self, vals_list):
        """Hook: the workflow fields a new record starts with that the model
        sets itself (a reference from a sequence, …), written into
        ``vals_list`` after the guard."""

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _workflow_check(self, target):
        """Refuse unless the caller may write these records and each of them
        may go to ``target`` (a key of ``_workflow_transitions``)."""
        self.check_access("write")
        allowed = self._workflow_transitions[target]
        field = self._workflow_state_field
        labels = (
            selection_labels(self, field)
            if self._fields[field].type == "selection"
            else {}
        )
        for record in self:
            old = record[field]
            if old not in allowed:
                raise UserError(
                    record._workflow_refusal(
                        labels.get(old, old), labels.get(target, target)
                    )
                )

    def _workflow_apply(self, target, vals=None, state=None):
        """Check, then write the new state (``state``, by default ``target``)
        and ``vals`` in sudo, then log the transition. Returns the records
        in sudo for what the action does next."""
        self._workflow_check(target)
        old_states = {record.id: record[self._workflow_state_field] for record in self}
        new_state = target if state is None else state
        records = self.sudo()
        records.write({self._workflow_state_field: new_state, **(vals or {})})
        self._workflow_log_transition(old_states, new_state)
        return records

    def _workflow_refusal(self, old, new):
        """The refusal of a transition, in the caller's language: what the
        record is, which one, from and to which state. Models say more where
        they can (an inquiry that may only be reopened)."""
        self.ensure_one()
        return self._workflow_env()._(
            "%(model)s “%(record)s” cannot go from %(from)s to %(to)s.",
            model=self._workflow_model_label(),
            record=self.display_name,
            **{"from": old, "to": new},
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_workflow_state(self):
        states = self._workflow_unlink_states
        field = self._workflow_state_field
        if states and any(record[field] not in states for record in self):
            raise UserError(self._workflow_unlink_refusal())

    def _workflow_unlink_refusal(self):
        """Why a record outside ``_workflow_unlink_states`` cannot be deleted:
        every model that sets those states says it in its own words."""
        raise NotImplementedError(self._name)

    def _workflow_log_transition(self, old_states, new_state):
        """Hook: write the transition into the crisis log where the model
        logs its transitions (recipient lines, for example, do not)."""

    # ------------------------------------------------------------------
    # The guard
    # ------------------------------------------------------------------
    def _workflow_env(self):
        # XML-RPC calls carry no language: speak the user's.
        env = self.env
        return env(context=dict(env.context, lang=env.lang or env.user.lang))

    def _workflow_model_label(self):
        return self._workflow_env()["ir.model"]._get(self._name).name

    def _workflow_guard(self, vals_list):
        blocked = {
            name for vals in vals_list for name in vals if name in self._workflow_fields
        }
        if not blocked:
            return
        env = self._workflow_env()
        labels = ", ".join(
            sorted(
                self._fields[name]._description_string(env) or name for name in blocked
            )
        )
        raise AccessError(
            env._(
                "%(fields)s cannot be set directly on “%(model)s”: use the "
                "buttons of the form, which check who may do what and record it.",
                fields=labels,
                model=self._workflow_model_label(),
            )
        )

    def _workflow_check_links(self, vals_list):
        """Link only crisis records the caller may read: a link shows the
        linked record's name to everyone who reads this one, and content is
        copied or sent from it. (Records of a confidential incident are for
        its team; the incident itself follows the move rule.)"""
        for vals in vals_list:
            for name, value in vals.items():
                field = self._fields.get(name)
                if (
                    not value
                    or name == self._workflow_incident_field
                    or field is None
                    or field.type not in ("many2one", "many2many")
                    or not self._workflow_incident_bound(field.comodel_name)
                ):
                    continue
                targets = self.env[field.comodel_name].browse(_linked_ids(value))
                if not targets.exists().has_access("read"):
                    env = self._workflow_env()
                    raise AccessError(
                        env._(
                            "%(field)s on “%(model)s”: you may only link records "
                            "that you are allowed to read.",
                            field=field._description_string(env) or name,
                            model=self._workflow_model_label(),
                        )
                    )

    def _workflow_incident_bound(self, model_name):
        """Whether records of ``model_name`` are an incident's (and so, on a
        confidential incident, for its team only)."""
        if model_name == "crisis.incident":
            return True
        field = self.env[model_name]._fields.get("incident_id")
        return bool(field and field.comodel_name == "crisis.incident")

    def _workflow_without_defaults(self):
        context = self.env.context
        names = {f"default_{name}" for name in self._workflow_fields}
        if not names & set(context):
            return self
        return self.with_env(
            self.env(context={k: v for k, v in context.items() if k not in names})
        )

    def _workflow_check_move(self, vals):
        """Refuse moving records to another incident unless the caller may
        write to both; returns ``{record: old incident}`` of the moved ones."""
        field = self._workflow_incident_field
        if not field or field not in vals:
            return {}
        target = self.env["crisis.incident"].browse(vals[field] or [])
        moved = {record: record[field] for record in self if record[field] != target}
        if not moved or self.env.su:
            return moved
        env = self._workflow_env()
        if not target and self._workflow_incident_required:
            raise UserError(
                env._(
                    "A record of “%(model)s” always belongs to an incident.",
                    model=self._workflow_model_label(),
                )
            )
        state = self._workflow_state_field
        frozen = [
            record
            for record in moved
            if state in record._fields and record[state] in self._workflow_frozen_states
        ]
        if frozen:
            raise UserError(
                env._(
                    "“%(record)s” is approved or published and cannot be moved to "
                    "another incident. Withdraw it first, or create it anew there.",
                    record=frozen[0].display_name,
                )
            )
        try:
            target.check_access("write")
            for old in set(moved.values()):
                # (an empty incident: content for every incident)
                old.check_access("write")
        except AccessError as error:
            raise AccessError(
                env._(
                    "Only someone who may edit both incidents can move “%(record)s” "
                    "from one to the other.",
                    record=next(iter(moved)).display_name,
                )
            ) from error
        return moved

    def _workflow_log_move(self, moved):
        for record, old in moved.items():
            new = record[self._workflow_incident_field]
            values = {
                "model": {"model": self._name},
                "record": record.display_name,
                "old": old.display_name,
                "new": new.display_name,
            }
            for incident in (old | new).exists():
                incident.sudo()._log(
                    "note",
                    _lt("%(model)s “%(record)s” moved from %(old)s to %(new)s."),
                    values,
                )
