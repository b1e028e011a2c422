"""Uploaded images: checked for what they really are, then re-encoded; no upload is served as is."""

from io import BytesIO

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000


def validate_image(upload) -> None:
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The image is %(size)s MB; the largest accepted is 5 MB."),
            code="too_large",
            params={"size": number_format(upload.size / 1024 / 1024, 1)},
        )
    try:
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _("This file is not an image we can read. Use a JPEG, PNG or WebP file."),
            code="unreadable",
        ) from error
    finally:
        upload.seek(0)
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError(_("Use a JPEG, PNG or WebP image."), code="wrong_type")
    if width * height > MAX_PIXELS:
        raise ValidationError(_("The image has too many pixels."), code="too_many_pixels")


def square_jpeg(upload, size: int = 400) -> bytes:
    """The image cropped to its centre square, scaled to ``size`` pixels, as a JPEG."""
    with Image.open(upload) as image:
        upright = ImageOps.exif_transpose(image).convert("RGB")
        square = ImageOps.fit(upright, (size, size), method=Image.Resampling.LANCZOS)
    output = BytesIO()
    square.save(output, format="JPEG", quality=85, optimize=True)
    return output.getvalue()
