"""Where deliveries may go: public HTTPS addresses only.

An endpoint URL is chosen by an agency admin, and the delivery log shows what the
receiver answered, so an unchecked URL would let anyone with that role probe Aduan's
own network (SSRF). URLs are checked when saved, and the resolved addresses are checked
again right before every POST (a name may later resolve elsewhere).

Plain ``http://`` is accepted only for this machine (127.0.0.1, ``localhost``) and only
in development (``DEBUG``) or when ``ADUAN_WEBHOOKS_ALLOW_HTTP_LOOPBACK`` is true (the
tests' local receiver). ``ADUAN_WEBHOOKS_ALLOW_PRIVATE_NETWORKS`` allows private
addresses for deployments whose agencies sit on a government intranet.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

MAX_URL_LENGTH = 500
_LOOPBACK_NAMES = ("localhost", "localhost.")


class DestinationRefused(Exception):
    """The URL's host resolves to an address deliveries may not go to."""


def allow_loopback() -> bool:
    return bool(settings.DEBUG or getattr(settings, "ADUAN_WEBHOOKS_ALLOW_HTTP_LOOPBACK", False))


def allow_private_networks() -> bool:
    return bool(getattr(settings, "ADUAN_WEBHOOKS_ALLOW_PRIVATE_NETWORKS", False))


def _is_loopback_name(host: str) -> bool:
    host = host.lower()
    return host in _LOOPBACK_NAMES or host.endswith(".localhost")


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _address_allowed(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if ip.is_loopback:
        return allow_loopback()
    if ip.is_global:
        return True
    # Link-local covers cloud metadata services (169.254.169.254): never, by any setting.
    return allow_private_networks() and ip.is_private and not ip.is_link_local


def clean_url(raw: str) -> str:
    """The URL to store, or ValidationError with a message for the admin."""
    url = (raw or "").strip()
    if not url:
        raise ValidationError(_("Alamat URL wajib diisi."), code="required")
    if len(url) > MAX_URL_LENGTH:
        raise ValidationError(
            _("Alamat URL paling panjang %(n)s karakter.") % {"n": MAX_URL_LENGTH}, code="invalid"
        )
    try:
        URLValidator(schemes=["http", "https"])(url)
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except (ValidationError, ValueError):
        raise ValidationError(
            _("Masukkan alamat URL lengkap, misalnya https://contoh.go.id/aduan/webhook."),
            code="invalid",
        ) from None
    host = parts.hostname or ""
    if parts.username or parts.password:
        raise ValidationError(
            _("Alamat URL tidak boleh memuat nama pengguna atau kata sandi."), code="invalid"
        )
    if parts.fragment:
        raise ValidationError(_("Alamat URL tidak boleh memuat bagian #."), code="invalid")
    ip = _ip(host)
    loopback = _is_loopback_name(host) or (ip is not None and ip.is_loopback)
    if parts.scheme == "http" and not (loopback and allow_loopback()):
        raise ValidationError(_("Gunakan alamat HTTPS (https://…)."), code="https_required")
    if loopback and not allow_loopback():
        raise ValidationError(_("Alamat ini tidak dapat dihubungi dari Aduan."), code="forbidden")
    if ip is not None and not loopback and not _address_allowed(ip):
        raise ValidationError(
            _("Alamat IP lokal atau privat tidak dapat dipakai; gunakan alamat publik."),
            code="forbidden",
        )
    return url


def check_destination(url: str) -> None:
    """Raise DestinationRefused unless every address of the URL's host is allowed."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    literal = _ip(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise DestinationRefused(f"DNS lookup failed: {exc}") from None
        addresses = [a for a in (_ip(str(info[4][0])) for info in infos) if a is not None]
    if not addresses:
        raise DestinationRefused("host has no address")
    for address in addresses:
        if not _address_allowed(address):
            raise DestinationRefused(f"address {address} is not allowed")
