"""Uploaded images: checked for what they really are, then re-encoded; no upload is stored as is.

``portrait_jpeg`` reads an upload once and either returns the square JPEG to store or raises a
ValidationError that says what is wrong with the file. Decoding is what costs memory (a PNG of
36 megapixels takes ~150 MB once decoded, whatever its size on disk), so the header's dimensions
are checked before anything is decoded, JPEGs are decoded at the smallest scale libjpeg offers
that still covers the portrait, and the image is shrunk before it is turned upright or converted.
"""

import warnings
from contextlib import contextmanager
from io import BytesIO

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

PORTRAIT_SIZE = 400
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
ACCEPTED_FORMATS = ("JPEG", "MPO", "PNG", "WEBP")  # MPO: a camera's JPEG with a second picture
# What Image.open may take a file for, so that a GIF or a TIFF is named as the wrong type; any
# other file is unreadable, and Pillow's other plugins never parse it.
OPENED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")
# So that a web process of ~190 MB stays under 250 MB (tests/core/test_images.py measures it).
DECODING_BUDGET = 48_000_000  # bytes
# Bytes a decoded pixel holds at the worst moment: Pillow keeps 4; a PNG with a palette or with
# transparency has a second copy while it is cut down; libwebp and Pillow hold four of a WebP.
BYTES_PER_PIXEL = {"JPEG": 4, "MPO": 4, "PNG": 9, "WEBP": 16}
COEFFICIENT_BYTES = 2  # a progressive JPEG keeps every DCT coefficient until its last scan
# The codes of portrait_jpeg's errors, for the API schema.
ERROR_CODES = ("empty", "too_large", "unreadable", "wrong_type", "too_many_pixels", "truncated")


def portrait_jpeg(upload, *, size: int = PORTRAIT_SIZE) -> bytes:
    """The upload cropped to its centre square, turned upright and scaled to ``size`` pixels,
    as JPEG bytes; a ValidationError for any file that is not a photo we can safely read."""
    check_byte_size(upload)
    with decoded_within_budget(
        upload, OPENED_FORMATS, accepted=ACCEPTED_FORMATS, draft_size=(size, size)
    ) as image:
        portrait = centre_square(image, size)
    output = BytesIO()
    portrait.save(output, format="JPEG", quality=85, optimize=True)
    return output.getvalue()


@contextmanager
def decoded_within_budget(
    upload, formats: tuple[str, ...], *, accepted: tuple[str, ...], draft_size: tuple[int, int]
):
    """The upload opened as one of ``formats`` (a wrong type among them if not ``accepted``) and
    drafted to ``draft_size`` (JPEG: libjpeg scales by 1/2, 1/4 or 1/8), once its decoding cost
    is within the budget. Whatever Pillow
    raises on a hostile file, here or while the ``with`` block decodes it, becomes a
    ValidationError that says what is wrong."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=formats) as image:
                if image.format not in accepted:
                    raise ValidationError(_("Use a JPEG, PNG or WebP image."), code="wrong_type")
                full_size = image.size
                image.draft("RGB", draft_size)
                check_decoding_cost(image, full_size)
                yield image
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            _("The image has far too many pixels to be a photo."), code="too_many_pixels"
        ) from error
    except OSError as error:
        if "truncated" in str(error).lower():
            raise ValidationError(
                _("The image is incomplete: the file was cut short. Try exporting it again."),
                code="truncated",
            ) from error
        raise unreadable() from error
    except Exception as error:  # Pillow's decoders fail on hostile files in many ways
        raise unreadable() from error


def check_byte_size(upload) -> None:
    if not upload.size:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The image is %(size)s MB; the largest accepted is 5 MB."),
            code="too_large",
            params={"size": number_format(upload.size / 1024 / 1024, 1)},
        )


def check_decoding_cost(image: Image.Image, full_size: tuple[int, int]) -> None:
    """``image`` is opened, drafted and not yet decoded; ``full_size`` is its header's size."""
    width, height = full_size
    cost = decoding_cost(image, width * height)
    if cost > DECODING_BUDGET:
        raise ValidationError(
            _(
                "The image is %(width)s × %(height)s pixels; the largest accepted is "
                "%(limit)s megapixels."
            ),
            code="too_many_pixels",
            params={
                "width": width,
                "height": height,
                "limit": number_format(width * height * DECODING_BUDGET / cost / 1e6, 1),
            },
        )


def decoding_cost(image: Image.Image, full_pixels: int) -> int:
    width, height = image.size  # what it decodes to
    cost = width * height * BYTES_PER_PIXEL[image.format]
    if image.info.get("progressive"):
        cost += full_pixels * COEFFICIENT_BYTES * coefficients_per_pixel(image)
    return round(cost)


def coefficients_per_pixel(image: Image.Image) -> float:
    """One per pixel for each component, fewer for the subsampled ones (1.5 for 4:2:0 colour)."""
    samplings = [horizontal * vertical for _id, horizontal, vertical, _table in image.layer]
    return sum(samplings) / max(samplings)


def centre_square(image: Image.Image, size: int) -> Image.Image:
    """The centre square of ``image`` at ``size`` pixels, upright, in RGB, without the upload's
    metadata. The square is cut and shrunk first (cutting the centre commutes with the EXIF
    turns and flips), so that the full-size image is copied only to expand a palette or, inside
    ``reduce``, to premultiply transparency."""
    image.load()
    width, height = image.size
    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    if image.mode in ("1", "P", "PA") or image.mode.startswith("I"):
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    square = image.reduce(max(side // size, 1), box=(left, top, left + side, top + side))
    square = ImageOps.exif_transpose(square)
    return flattened(square).resize((size, size), Image.Resampling.LANCZOS)


def flattened(image: Image.Image) -> Image.Image:
    """RGB, with any transparency laid on white."""
    if image.mode in ("RGBA", "LA"):
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def unreadable() -> ValidationError:
    return ValidationError(
        _("This file is not an image we can read. Use a JPEG, PNG or WebP file."),
        code="unreadable",
    )
