"""The rotating post QR code: a signed (shift id, time window) pair, and its SVG picture.

The code a leader's phone shows at the post changes every window (``conf.post_qr_window``);
the current and the previous window are accepted, so a photo sent to a friend at home stops
working within two windows. The signature uses the site's secret with a salt of its own.
"""

from __future__ import annotations

from datetime import datetime

from django.core import signing
from reportlab.graphics.barcode.qr import QrCodeWidget

from vetserve.attendance import conf

SALT = "vetserve.post"


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT)


def window_of(at: datetime) -> int:
    return int(at.timestamp()) // conf.post_qr_window()


def post_token(shift_id: int, *, at: datetime) -> str:
    return _signer().sign(f"{shift_id}.{window_of(at)}")


def post_token_read(token: str, *, at: datetime) -> int | None:
    """The shift id of a genuine token current at ``at`` (its window or the one before);
    None for a forged, altered, malformed or expired token."""
    try:
        value = _signer().unsign(token.strip())
    except signing.BadSignature:
        return None
    shift, sep, window = value.partition(".")
    if not sep or not shift.isdigit() or not window.isdigit():
        return None
    if window_of(at) - int(window) not in (0, 1):
        return None
    return int(shift)


def qr_svg(value: str, *, size: int = 320) -> str:
    """An SVG picture of a QR code for ``value`` (reportlab's encoder; no JavaScript needed)."""
    qr = QrCodeWidget(value, barLevel="M").qr
    qr.make()
    count = qr.getModuleCount()
    border = 4
    total = count + 2 * border
    parts = []
    for r, row in enumerate(qr.modules):
        for c, dark in enumerate(row):
            if dark:
                parts.append(f"M{c + border} {r + border}h1v1h-1z")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {total} {total}" '
        f'width="{size}" height="{size}" shape-rendering="crispEdges" role="img">'
        f'<rect width="{total}" height="{total}" fill="#fff"/>'
        f'<path d="{"".join(parts)}" fill="#000"/></svg>'
    )
