"""Images made ready for a page and an email: upright, no wider than needed, without metadata.

Pillow decodes the whole image (``dscp.uploads`` has already refused files
that are not what their name says); the result is saved again, so a camera's
EXIF data (where and when a photo was taken) never reaches a reader.
"""

import io
from dataclasses import dataclass
from pathlib import PurePath

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

from dscp.uploads import MAX_IMAGE_PIXELS


@dataclass(frozen=True)
class FittedImage:
    file: ContentFile
    width: int
    height: int


def image_fitted(upload, *, max_width: int) -> FittedImage | None:
    """The upload as a JPEG (photos) or PNG (the rest) no wider than ``max_width``; None if unreadable."""
    handle = getattr(upload, "file", upload)
    handle.seek(0)
    try:
        with Image.open(handle) as original:
            if original.width * original.height > MAX_IMAGE_PIXELS:
                return None
            photo = original.format == "JPEG"
            original.load()
            image = ImageOps.exif_transpose(original)
    except Exception:  # Pillow raises many kinds of error on a broken file
        return None
    # Resampling needs full colour; a GIF's palette becomes RGBA, a JPEG stays RGB.
    image = image.convert("RGB" if photo else "RGBA")
    if image.width > max_width:
        image = image.resize(
            (max_width, max(1, round(image.height * max_width / image.width))),
            Image.Resampling.LANCZOS,
        )
    buffer = io.BytesIO()
    if photo:
        image.save(buffer, format="JPEG", quality=85, optimize=True, progressive=True)
    else:
        image.save(buffer, format="PNG", optimize=True)
    name = PurePath(upload.name).stem + (".jpg" if photo else ".png")
    return FittedImage(ContentFile(buffer.getvalue(), name=name), image.width, image.height)
