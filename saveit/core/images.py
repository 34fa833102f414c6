"""Uploaded raster images judged on their content, and stored re-encoded.

A file is accepted when Pillow decodes it completely as one of the allowed formats, whatever its
name or declared type says. It is then re-encoded as PNG at a bounded size: the stored file holds
only pixels (no metadata, no trailing bytes of another format), and every page or PDF that
shows it gets a small, predictable image.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .errors import Refusal

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# Far above any scan of a signature, far below what would exhaust memory when decoded.
MAX_PIXELS = 25_000_000


@dataclass(frozen=True)
class CheckedImage:
    png: bytes
    width: int
    height: int


def checked_png(
    data: bytes,
    *,
    formats: tuple[str, ...] = ("PNG", "JPEG"),
    max_size: tuple[int, int] = (1200, 600),
    min_size: tuple[int, int] = (60, 20),
) -> CheckedImage:
    """`data` decoded, checked and re-encoded as PNG. Raises Refusal with a French message."""
    if not data:
        raise Refusal(_("The file is empty."), code="image")
    if len(data) > MAX_UPLOAD_BYTES:
        raise Refusal(
            _("The image weighs more than %(size)s MB: scan it at a lower resolution.")
            % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="image",
        )
    not_an_image = Refusal(
        _("This file is not a PNG or JPEG image (its content was checked, not its name)."),
        code="image",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(formats)) as probe:
                size = probe.size
                if size[0] * size[1] > MAX_PIXELS:
                    raise Refusal(_("The image has too many pixels."), code="image")
                probe.verify()
            with Image.open(io.BytesIO(data), formats=list(formats)) as image:
                image.load()
                picture = _flattened_mode(image)
    except Refusal:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as error:
        raise not_an_image from error
    if picture.width < min_size[0] or picture.height < min_size[1]:
        raise Refusal(
            _("The image is too small (at least %(w)s × %(h)s pixels).")
            % {"w": min_size[0], "h": min_size[1]},
            code="image",
        )
    picture.thumbnail(max_size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return CheckedImage(png=out.getvalue(), width=picture.width, height=picture.height)


def _flattened_mode(image: Image.Image) -> Image.Image:
    """RGBA when the image has transparency (a stamp on nothing), RGB otherwise."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")
