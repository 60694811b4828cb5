# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Client actions that the crisis buttons return."""


def notification_action(
    message, title=None, kind="success", sticky=False, next_action=None
):
    """The web client's notification (``display_notification``) saying
    ``message``.

    :param kind: its colour: ``success``, ``info``, ``warning`` or ``danger``
    :param sticky: it stays until closed (for what must be read, e.g. an
        error the user has to act on)
    :param next_action: an action the web client runs after showing it
    """
    params = {"type": kind, "message": message, "sticky": sticky}
    if title:
        params["title"] = title
    if next_action:
        params["next"] = next_action
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": params,
    }
