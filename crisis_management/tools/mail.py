# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What our own mail server says about an incoming e-mail."""


def mail_sender_verified(env, message):
    """Whether the receiving mail server vouched for the sender address of
    ``message`` (an ``email.message.Message``): the *top-most*
    ``Authentication-Results`` header, the one our MTA added last, names our
    server (its authserv-id is the system parameter
    ``crisis_management.mail_authserv_id``) and says ``dmarc=pass``.

    Every header below it came with the message and may be forged, even one
    naming our server: a sender can write ``mx.example.com; dmarc=pass``
    under the real ``dmarc=fail``. Without such a header the ``From:`` is
    only a claim.
    """
    authserv = (
        env["ir.config_parameter"]
        .sudo()
        .get_param("crisis_management.mail_authserv_id", "")
        .strip()
        .lower()
    )
    if not authserv or message is None:
        return False
    headers = message.get_all("Authentication-Results") or []
    if not headers:
        return False
    text = " ".join(str(headers[0]).split()).lower()
    server, _sep, results = text.partition(";")
    if server.strip().split(" ")[0] != authserv:
        return False
    methods = {
        method.strip().split(" ")[0] for method in results.split(";") if method.strip()
    }
    return "dmarc=pass" in methods
