# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What comes in over HTTP, checked once for every route of the suite.

PostgreSQL refuses NUL bytes in text, a lone surrogate (``\\ud800``) cannot
be written as UTF-8, and an id beyond 32 bits overflows an ``integer``
column: each of them, passed on to the ORM, ends as a server error (500).
Routes wear ``@check_input()`` under ``@http.route`` (``public_route`` is
both in one for a public page): bad input gets a 400 with a short message
in German or English, ids out of range a 404 (no such record), before the
route reads anything. Model methods called over
JSON-RPC go through ``check_rpc_call``: a ValidationError instead.
"""

import functools

from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.wrappers import Response

from odoo.exceptions import ValidationError
from odoo.http import request, route

from .language import resolve_lang

# PostgreSQL's ``integer``: the largest id a record can have.
MAX_ID = 2**31 - 1
# Longer than any token, signed link, address or form field of the suite.
MAX_LENGTH = 4096


def text_problem(value, max_length=MAX_LENGTH):
    """Why ``value`` cannot be taken as text, or ``None`` if it can: not a
    string, longer than ``max_length``, a NUL byte, or a lone surrogate."""
    if not isinstance(value, str):
        return "type"
    if len(value) > max_length:
        return "length"
    if "\x00" in value:
        return "nul"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "encoding"
    return None


def valid_id(value):
    """Whether ``value`` can be a record id: an int (not a bool) in range."""
    return (
        isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID
    )


def bad_request(env=None, httprequest=None):
    """A 400 with a plain-text reason in the caller's language (the user's,
    else the browser's, German or English)."""
    message = "The request contains characters that are not allowed or a value that is too long."
    if env is not None:
        candidates = []
        if env.user and not env.user._is_public():
            candidates.append(env.user.lang)
        if httprequest is not None:
            candidates.extend(httprequest.accept_languages.values())
        # sudo: the company's language, which the public user may not read.
        lang = resolve_lang(env(su=True), *candidates)
        message = env(context=dict(env.context, lang=lang))._(
            "The request contains characters that are not allowed (such as a "
            "NUL byte) or a value that is too long. Please check your input."
        )
    response = Response(
        message,
        status=400,
        content_type="text/plain; charset=utf-8",
        headers=[("Cache-Control", "no-store")],
    )
    return BadRequest(response=response)


def check_values(values, max_length=MAX_LENGTH, env=None, httprequest=None):
    """Raise a 400 (``bad_request``) for the first bad text in ``values``
    (strings, or lists of strings as multi-valued form fields give them),
    a 404 for an id out of range; other values (None, uploads) pass."""
    for value in values:
        items = value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            if isinstance(item, str) and text_problem(item, max_length):
                raise bad_request(env, httprequest)
            if isinstance(item, int) and not isinstance(item, bool):
                if not valid_id(item):
                    raise NotFound()


def check_input(max_length=MAX_LENGTH):
    """Decorator of a route (put it under ``@http.route``): every argument
    of the address and every query or form parameter, names included, is
    checked with ``check_values`` before the route runs."""

    def decorator(endpoint):
        @functools.wraps(endpoint)
        def wrapper(self, *args, **kwargs):
            env = request.env if request and request.db else None
            httprequest = request.httprequest if request else None
            try:
                check_values(
                    [*args, *kwargs, *kwargs.values()],
                    max_length=max_length,
                    env=env,
                    httprequest=httprequest,
                )
            except BadRequest as refusal:
                # Returned, not raised: the website's error page would
                # replace a raised one, message included.
                return refusal.get_response()
            return endpoint(self, *args, **kwargs)

        return wrapper

    return decorator


# What a public form may send at most (a subscription, an answer link): a
# larger body is refused (413) before it is read, not after 128 MiB.
PUBLIC_MAX_BODY_BYTES = 64 * 1024


def public_route(path, methods=("GET",), **routing):
    """``@http.route`` of a public page of the suite (``type="http"``,
    ``auth="public"``, not in the website's sitemap, bodies up to
    ``PUBLIC_MAX_BODY_BYTES``) with ``@check_input()`` under it: the whole
    decorator stack of such a route in one. ``routing`` adds to or overrides
    the route's parameters (``csrf=False``)."""
    routing = {
        "type": "http",
        "auth": "public",
        "methods": list(methods),
        "sitemap": False,
        "max_content_length": PUBLIC_MAX_BODY_BYTES,
        **routing,
    }

    def decorator(endpoint):
        return route(path, **routing)(check_input()(endpoint))

    return decorator


# A personal answer page (the token in its address is the secret): kept in
# no cache, indexed by no search engine, its address sent to no other site.
PERSONAL_PAGE_HEADERS = [
    ("Cache-Control", "no-store"),
    ("X-Robots-Tag", "noindex"),
    ("Referrer-Policy", "no-referrer"),
]


def render_personal_page(template, values):
    """``request.render`` of a personal answer page, with
    ``PERSONAL_PAGE_HEADERS``."""
    response = request.render(template, values)
    response.headers.update(PERSONAL_PAGE_HEADERS)
    return response


def _strings(value, depth=0):
    """Every string in ``value`` (nested lists, tuples and dicts, keys too)."""
    if isinstance(value, str):
        yield value
    elif depth < 32 and isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item, depth + 1)
    elif depth < 32 and isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key, depth + 1)
            yield from _strings(item, depth + 1)


def _is_ids(value):
    if isinstance(value, (list, tuple)):
        return all(valid_id(item) for item in value)
    return valid_id(value)


def _is_vals(value):
    return isinstance(value, dict) and all(isinstance(key, str) for key in value)


# Public methods of Odoo whose first argument (after the ids) must be of one
# kind: a dict for the mail gateway's entry points, a list of field names for
# ``default_get``. ``None``: an object JSON cannot carry (an e-mail message),
# so no call over RPC can be right.
_RPC_FIRST_ARG = {
    "message_new": ("msg_dict", dict),
    "message_update": ("msg_dict", dict),
    "default_get": ("fields_list", list),
    "send_email": ("message", None),
}


def _first_arg_refused(method, args, kwargs):
    name, kind = _RPC_FIRST_ARG.get(method, (None, object))
    if name is None:
        return False
    value = args[0] if args else (kwargs or {}).get(name)
    if kind is None or not isinstance(value, kind):
        return True
    return kind is list and not all(isinstance(item, str) for item in value)


def check_rpc_call(env, model, method, args, kwargs):
    """Refuse a model method call over RPC whose arguments no method can
    take: a NUL byte or a lone surrogate in any string, ids that are not
    record ids (``True``, strings, floats, out of range), ``create`` or
    ``write`` values that are not dicts, a first argument of the wrong kind
    for the methods in ``_RPC_FIRST_ARG``. Raises a ValidationError in the
    user's language; the ORM would raise a server error."""
    context = (kwargs or {}).get("context") if isinstance(kwargs, dict) else None
    lang = context.get("lang") if isinstance(context, dict) else None
    if text_problem(lang, max_length=16) or lang not in dict(
        env["res.lang"].get_installed()
    ):
        lang = None
    env = env(context=dict(env.context, lang=lang or env.lang or env.user.lang))
    # Length is not checked: binary fields come base64-encoded.
    if any(
        text_problem(text, max_length=float("inf"))
        for text in _strings([model, method, args, kwargs])
    ):
        raise _rpc_refusal(env)
    if model not in env:
        return  # Odoo answers itself
    func = getattr(type(env[model]), method, None)
    if not callable(func):
        return
    api = getattr(func, "_api", None)
    args = list(args or [])
    if api not in ("model", "model_create"):
        if not args or not _is_ids(args[0]):
            raise _rpc_refusal(env)
        args = args[1:]
    if method == "create" and args:
        vals_list = args[0] if isinstance(args[0], list) else [args[0]]
        if not all(_is_vals(vals) for vals in vals_list):
            raise _rpc_refusal(env)
    if method == "write" and args and not _is_vals(args[0]):
        raise _rpc_refusal(env)
    if _first_arg_refused(method, args, kwargs):
        raise _rpc_refusal(env)


def _rpc_refusal(env):
    return ValidationError(
        env._(
            "The request contains characters that are not allowed (such as a "
            "NUL byte), ids that are not record ids, or values of the wrong "
            "kind. Please check your input."
        )
    )
