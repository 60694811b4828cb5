# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Outgoing HTTP of the fetchers (and any publisher): never to the inside.

A :func:`guarded_session` connects only to public addresses. The host name
is resolved once, every address it resolves to is checked, and the socket
is opened to exactly the checked address (no second lookup that a DNS
rebinding could answer differently). Redirects go through the same
connection code, so each hop is checked. Hosts listed in the system
parameter ``crisis_social.allowed_hosts`` (``host`` or ``host:port``,
comma-separated; only system administrators can set it) are exempt.
"""

import ipaddress
import socket

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

ALLOWED_HOSTS_PARAM = "crisis_social.allowed_hosts"
MAX_REDIRECTS = 5
TIMEOUT = (5, 20)  # connect, read (seconds): of every call to a network


class NetworkError(Exception):
    """A failure of a fetch or a post worth telling the user: ``code`` says
    which one, ``status`` is the HTTP status, ``detail`` the network's own
    words or what is missing."""

    def __init__(self, code, status=None, detail=None):
        super().__init__(code, status, detail)
        self.code, self.status, self.detail = code, status, detail


class BlockedAddress(Exception):
    """The host resolves to an address the server must not reach."""

    def __init__(self, host, address):
        super().__init__(host, address)
        self.host, self.address = host, address


def allowed_hosts(env):
    """The exempt hosts of the system parameter, lower case."""
    value = env["ir.config_parameter"].sudo().get_param(ALLOWED_HOSTS_PARAM) or ""
    return frozenset(h.strip().lower() for h in value.split(",") if h.strip())


def is_public(address):
    """Whether ``address`` (text or ip_address) is a public unicast address:
    not private, loopback, link-local (cloud metadata at 169.254.169.254),
    shared, reserved, unspecified or multicast, also when wrapped in IPv6."""
    ip = ipaddress.ip_address(str(address).split("%")[0])
    if ip.version == 6:
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo and ip.teredo[1])
        if embedded:
            ip = embedded
    return ip.is_global and not ip.is_multicast


def host_allowed(host, port, allowed):
    host = (host or "").strip("[]").lower()
    return host in allowed or f"{host}:{port}" in allowed


class _GuardedConnectionMixin:
    allowed_hosts = frozenset()

    def _new_conn(self):
        if host_allowed(self.host, self.port, self.allowed_hosts):
            return super()._new_conn()
        try:
            infos = socket.getaddrinfo(self._dns_host, self.port, 0, socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            raise NewConnectionError(
                self, f"Failed to resolve {self.host}: {error}"
            ) from error
        for info in infos:
            if not is_public(info[4][0]):
                raise BlockedAddress(self.host, info[4][0])
        error = None
        for family, socktype, proto, _name, sockaddr in infos:
            sock = socket.socket(family, socktype, proto)
            try:
                for option in self.socket_options or ():
                    sock.setsockopt(*option)
                if self.timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
                    sock.settimeout(self.timeout)
                if self.source_address:
                    sock.bind(self.source_address)
                # The checked address itself: no second lookup.
                sock.connect(sockaddr)
                return sock
            except TimeoutError as timeout:
                sock.close()
                raise ConnectTimeoutError(
                    self, f"Connection to {self.host} timed out."
                ) from timeout
            except OSError as failure:
                sock.close()
                error = failure
        raise NewConnectionError(self, f"Failed to establish a new connection: {error}")


class GuardedAdapter(HTTPAdapter):
    """An adapter whose connections refuse non-public addresses."""

    def __init__(self, allowed=(), **kwargs):
        self.allowed_hosts = frozenset(allowed)
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        result = super().init_poolmanager(*args, **kwargs)
        extra = {"allowed_hosts": self.allowed_hosts}
        http = type(
            "GuardedHTTPConnection", (_GuardedConnectionMixin, HTTPConnection), extra
        )
        https = type(
            "GuardedHTTPSConnection", (_GuardedConnectionMixin, HTTPSConnection), extra
        )
        self.poolmanager.pool_classes_by_scheme = {
            "http": type("GuardedPool", (HTTPConnectionPool,), {"ConnectionCls": http}),
            "https": type(
                "GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https}
            ),
        }
        return result


def guarded_session(allowed=()):
    """A ``requests.Session`` for outgoing calls to addresses given by users:
    http(s) only, no proxies from the environment, at most five redirects,
    each hop checked. An address that must not be reached raises
    :class:`BlockedAddress`; network failures raise
    ``requests.RequestException``."""
    session = requests.Session()
    session.trust_env = False
    session.max_redirects = MAX_REDIRECTS
    adapter = GuardedAdapter(allowed)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
