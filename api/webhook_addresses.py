"""Where a webhook may be sent: an https address on the public internet.

The portal sends requests on behalf of whoever subscribed, so an address must never reach
what only the portal's own network can (a database, a metadata service at 169.254.169.254,
an admin interface on 10.x): every address the host name resolves to must be a global one,
checked when the subscription is saved and again before every delivery, which then
connects to the address it checked (a name that resolved to a public address at saving
and to a private one later, DNS rebinding, is refused). ``WEBHOOK_ALLOW_LOOPBACK`` lets
the test suite and ``make run`` use receivers on this machine."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _


class AddressRefused(ValueError):
    """The address may not receive webhooks; the message says why, for the person."""


@dataclass(frozen=True)
class Target:
    scheme: str  # "https", or "http" on loopback when allowed
    host: str  # the name in the address (for the Host header, SNI and the certificate)
    port: int
    path: str  # path and query
    ip: str  # the checked address to connect to


def _refused_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return not settings.WEBHOOK_ALLOW_LOOPBACK
    return not ip.is_global or ip.is_multicast


def _resolve(host: str, port: int) -> list[str]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        raise AddressRefused(
            _("The host name “%(host)s” could not be found.") % {"host": host}
        ) from None
    return list(dict.fromkeys(info[4][0] for info in found))


def webhook_target(url: str) -> Target:
    """Check the address (and what its host resolves to now) and return where to connect;
    AddressRefused says what is wrong."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise AddressRefused(_("Enter a valid web address.")) from None
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or not host:
        raise AddressRefused(_("Enter a web address beginning with https://."))
    if parts.username is not None or parts.password is not None:
        raise AddressRefused(_("The address may not contain a user name or password."))
    port = port or (443 if parts.scheme == "https" else 80)
    addresses = _resolve(host, port)
    if not addresses:
        raise AddressRefused(_("The host name “%(host)s” could not be found.") % {"host": host})
    ips = [ipaddress.ip_address(address.split("%", 1)[0]) for address in addresses]
    if any(_refused_address(ip) for ip in ips):
        raise AddressRefused(
            _(
                "The address points to a private, local or reserved network "
                "(%(address)s); webhooks are sent only to addresses on the internet."
            )
            % {"address": ", ".join(str(ip) for ip in ips)}
        )
    on_loopback = all(ip.is_loopback for ip in ips)
    if parts.scheme != "https" and not (settings.DEBUG or on_loopback):
        raise AddressRefused(_("The address must begin with https://."))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme=parts.scheme, host=host, port=port, path=path, ip=str(ips[0]))
