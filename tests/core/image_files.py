"""Image files for upload tests, hostile ones included, written row by row so that making a
36-megapixel PNG or a 20000 × 20000 bomb costs the test process next to no memory."""

import struct
import zlib
from collections.abc import Iterator
from io import BytesIO

from PIL import Image

from core.images import MAX_UPLOAD_BYTES

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# PNG colour types and their bytes per pixel at bit depth 8.
GREY, RGB, RGBA = 0, 2, 6
CHANNELS = {GREY: 1, RGB: 3, RGBA: 4}


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_header(width: int, height: int, *, bit_depth: int = 8, colour: int = RGB) -> bytes:
    return PNG_SIGNATURE + png_chunk(
        b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, colour, 0, 0, 0)
    )


def compressed(rows: Iterator[bytes]) -> bytes:
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(b"\x00" + row) for row in rows)  # filter type 0 per row
    return data + packer.flush()


def png(
    width: int, height: int, *, colour: int = RGB, rows: int | None = None, bit_depth: int = 8
) -> bytes:
    """A PNG whose header says ``width`` × ``height``; its data holds ``rows`` rows (all of them
    by default) of a gentle gradient, which compresses well."""
    row_bytes = (width * CHANNELS[colour] * bit_depth + 7) // 8

    def gradient():
        for y in range(height if rows is None else rows):
            yield bytes([y * 255 // max(height - 1, 1)]) * row_bytes

    return (
        png_header(width, height, bit_depth=bit_depth, colour=colour)
        + png_chunk(b"IDAT", compressed(gradient()))
        + png_chunk(b"IEND", b"")
    )


def png_bomb(side: int = 20_000) -> bytes:
    """A black-and-white PNG of ``side`` × ``side`` pixels, all black: one run of zeros that
    deflate packs about a thousand to one (48 KB for 20000 × 20000)."""
    black_row = bytes((side + 7) // 8)
    return (
        png_header(side, side, bit_depth=1, colour=GREY)
        + png_chunk(b"IDAT", compressed(black_row for _ in range(side)))
        + png_chunk(b"IEND", b"")
    )


def truncated_png(width: int = 2000, height: int = 2000) -> bytes:
    """A well-formed PNG whose header promises ``height`` rows and whose data stops after a tenth
    of them: every chunk is whole (``verify()`` passes), the compressed stream is not."""
    packer = zlib.compressobj(9)
    row = b"\x00" + bytes(width * CHANNELS[RGB])
    data = b"".join(packer.compress(row) for _ in range(height // 10))
    data += packer.flush(zlib.Z_SYNC_FLUSH)
    return png_header(width, height) + png_chunk(b"IDAT", data) + png_chunk(b"IEND", b"")


def cut_short_png(width: int = 2000, height: int = 2000) -> bytes:
    """A PNG cut in the middle of its data, as an interrupted transfer leaves it."""
    whole = png(width, height)
    return whole[: len(whole) * 2 // 3]


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    output = BytesIO()
    image.save(output, format=fmt, **options)
    return output.getvalue()


ORIENTATION, GPS_INFO = 0x0112, 0x8825


def portrait_facing_right(*, orientation: int = 1, size=(600, 400), fmt: str = "JPEG") -> bytes:
    """A red left half and a blue right half, stored ``orientation`` (an EXIF value: 6 means the
    camera was turned, and the pixels must be rotated 90° clockwise to stand), with the place it
    was taken."""
    image = Image.new("RGB", size, "blue")
    image.paste("red", (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_INFO).update({1: "N", 2: (45.0, 30.0, 0.0), 3: "W", 4: (73.0, 34.0, 0.0)})
    return encoded(image, fmt, exif=exif.tobytes(), quality=95)


def photo_jpeg(width: int, height: int, *, progressive: bool = False, subsampling: int = 2):
    """A JPEG with some detail in it, as a camera would write it."""
    image = Image.radial_gradient("L").resize((width, height)).convert("RGB")
    return encoded(image, "JPEG", quality=90, progressive=progressive, subsampling=subsampling)


# --- Hostile files, and the error each must get ---


def svg() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400"><script/></svg>'


def gif() -> bytes:
    return encoded(Image.new("P", (400, 400)), "GIF")


def long_thin_jpeg() -> bytes:
    """20000 × 700: too narrow for libjpeg to decode it at a smaller scale, 56 MB once decoded."""
    return encoded(Image.new("L", (20_000, 700)), "JPEG")


def big_webp() -> bytes:
    return encoded(Image.new("RGB", (2500, 2000), "teal"), "WEBP")


HOSTILE = {
    "bomb-20000x20000": (png_bomb, "too_many_pixels", "far too many pixels"),
    # Between Pillow's warning and its error: the warning must not let it through.
    "bomb-10000x10000": (
        lambda: png_bomb(10_000),
        "too_many_pixels",
        "far too many pixels",
    ),
    "truncated-png": (truncated_png, "truncated", "the file was cut short"),
    "cut-short-png": (cut_short_png, "truncated", "the file was cut short"),
    "png-6000x6000": (
        lambda: png(6000, 6000),
        "too_many_pixels",
        "The image is 6000 × 6000 pixels; the largest accepted is 5.3 megapixels.",
    ),
    "long-thin-jpeg": (long_thin_jpeg, "too_many_pixels", "The image is 20000 × 700 pixels"),
    "webp-5-megapixels": (big_webp, "too_many_pixels", "largest accepted is 3.0 megapixels"),
    "zero-bytes": (lambda: b"", "empty", "The file is empty."),
    "not-an-image": (lambda: b"%PDF-1.7 hello", "unreadable", "not an image we can read"),
    "svg": (svg, "unreadable", "Use a JPEG, PNG or WebP file."),
    "gif": (gif, "wrong_type", "Use a JPEG, PNG or WebP image."),
    "over-5-mb": (
        lambda: b"\xff\xd8\xff" + bytes(MAX_UPLOAD_BYTES),
        "too_large",
        "the largest accepted is 5 MB",
    ),
}
