"""Photos of posts: resized and stripped of every metadata block before they are stored.

A phone's JPEG carries EXIF with the camera, the time and often the GPS position of where it
was taken (a volunteer's home, say). Pillow re-encodes the pixels alone: the saved file has no
EXIF, no XMP, no ICC profile, no comment. The orientation EXIF asked for is applied to the
pixels first, so the photo still stands the right way up.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from vetserve.public.models import PHOTO_EDGE, PHOTO_UPLOAD_MAX_BYTES

FORMATS = ("JPEG", "PNG", "WEBP")
# Refuse images whose header promises more pixels than a camera takes (decompression bombs).
PIXELS_MAX = 60_000_000
QUALITY = 85


@dataclass(frozen=True)
class CleanPhoto:
    content: ContentFile[bytes]
    width: int
    height: int


def clean_photo(upload: Any) -> CleanPhoto:
    """The upload as a JPEG of at most ``PHOTO_EDGE`` pixels a side with no metadata; refused
    in words when it is too large or not a photo."""
    if upload.size > PHOTO_UPLOAD_MAX_BYTES:
        raise ValidationError(_("The photo may be at most 10 MB."), code="too_large")
    upload.seek(0)
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in FORMATS:
                raise ValidationError(
                    _("The photo must be a JPG, PNG or WebP image."), code="bad_type"
                )
            if probe.width * probe.height > PIXELS_MAX:
                raise ValidationError(_("The photo has too many pixels."), code="too_large")
            probe.load()
            image = ImageOps.exif_transpose(probe)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise ValidationError(
            _("The photo must be a JPG, PNG or WebP image."), code="bad_type"
        ) from None
    image = image.convert("RGB")
    image.thumbnail((PHOTO_EDGE, PHOTO_EDGE), Image.Resampling.LANCZOS)
    # A new image holding only the pixels: nothing of the original's info dict comes along.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=QUALITY, optimize=True)
    return CleanPhoto(
        content=ContentFile(out.getvalue(), name="photo.jpg"),
        width=clean.width,
        height=clean.height,
    )
