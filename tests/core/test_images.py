"""Every broken or hostile image gets a clear error and never an exception of Pillow's own; a
photo comes out as an upright square JPEG; processing any photo keeps the process small."""

import json
import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.images import portrait_jpeg
from tests.core import image_files

RED, BLUE = (255, 0, 0), (0, 0, 255)


def upload(data: bytes, name: str = "me.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def decoded(jpeg: bytes) -> Image.Image:
    image = Image.open(BytesIO(jpeg))
    image.load()
    return image


def close_to(colour, expected, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


@pytest.mark.parametrize(
    ("fmt", "mode", "size"),
    [
        ("JPEG", "RGB", (1600, 1200)),
        ("JPEG", "CMYK", (900, 1200)),
        ("PNG", "RGBA", (1200, 900)),
        ("PNG", "P", (500, 500)),
        ("PNG", "L", (300, 200)),
        ("WEBP", "RGB", (800, 600)),
    ],
)
def test_a_photo_becomes_a_square_jpeg_of_400_pixels(fmt, mode, size):
    image = Image.radial_gradient("L").resize(size).convert(mode)
    portrait = decoded(portrait_jpeg(upload(image_files.encoded(image, fmt))))
    assert (portrait.format, portrait.mode, portrait.size) == ("JPEG", "RGB", (400, 400))


@pytest.mark.parametrize(
    ("fmt", "size"),
    [("JPEG", (600, 400)), ("JPEG", (4800, 3200)), ("PNG", (2400, 1600)), ("WEBP", (900, 600))],
)
def test_a_photo_taken_with_the_camera_turned_comes_out_upright(fmt, size):
    # Stored landscape, red left and blue right, with EXIF orientation 6: standing, the red half
    # is on top.
    turned = image_files.portrait_facing_right(orientation=6, size=size, fmt=fmt)
    portrait = decoded(portrait_jpeg(upload(turned)))
    assert close_to(portrait.getpixel((200, 40)), RED)
    assert close_to(portrait.getpixel((200, 360)), BLUE)
    as_stored = image_files.portrait_facing_right(orientation=1, size=size, fmt=fmt)
    unturned = decoded(portrait_jpeg(upload(as_stored)))
    assert close_to(unturned.getpixel((40, 200)), RED)
    assert close_to(unturned.getpixel((360, 200)), BLUE)


def test_where_the_photo_was_taken_is_not_kept():
    uploaded = image_files.portrait_facing_right()
    with Image.open(BytesIO(uploaded)) as original:
        assert original.getexif().get_ifd(image_files.GPS_INFO)
    portrait = decoded(portrait_jpeg(upload(uploaded)))
    assert not portrait.getexif()
    assert "exif" not in portrait.info


def test_transparency_is_laid_on_white():
    clear = image_files.encoded(Image.new("RGBA", (500, 500), (0, 0, 0, 0)), "PNG")
    assert close_to(decoded(portrait_jpeg(upload(clear))).getpixel((200, 200)), (255, 255, 255))


@pytest.mark.parametrize(
    ("make", "code", "message"), image_files.HOSTILE.values(), ids=image_files.HOSTILE.keys()
)
def test_hostile_files_get_a_clear_error(make, code, message):
    with pytest.raises(ValidationError) as refused:
        portrait_jpeg(upload(make()))
    assert refused.value.code == code
    assert message in refused.value.messages[0]


def test_the_bomb_is_a_48_kb_png_that_pillow_itself_refuses_with_an_error_not_an_oserror():
    bomb = image_files.png_bomb()
    assert 40_000 < len(bomb) < 50_000
    with pytest.raises(Image.DecompressionBombError) as refused:
        Image.open(BytesIO(bomb))
    assert not isinstance(refused.value, OSError)
    assert "400000000 pixels" in str(refused.value)


def test_the_truncated_png_passes_verify_and_fails_when_decoded():
    with Image.open(BytesIO(image_files.truncated_png())) as image:
        image.verify()
    with (
        Image.open(BytesIO(image_files.truncated_png())) as image,
        pytest.raises(OSError, match="image file is truncated"),
    ):
        image.load()


# --- Memory ---------------------------------------------------------------------------------------

PEAK_LIMIT_MB = 250  # the target for a whole web process
GROWTH_LIMIT_MB = 60  # what a web process of ~190 MB may add and stay under 250 MB

# The peak resident memory of the process: VmHWM, as ru_maxrss is carried over from the parent
# (here the test process, which made the images) through fork and exec.
MEASURE = """
import json, sys
import django
django.setup()
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from core.images import portrait_jpeg

def peak_mb():
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024

files = [(path, open(path, "rb").read()) for path in sys.argv[1:]]
report = {"baseline": peak_mb(), "results": {}}
for path, data in files:
    try:
        report["results"][path] = "ok %d" % len(portrait_jpeg(SimpleUploadedFile(path, data)))
    except ValidationError as error:
        report["results"][path] = error.code
    report[path] = peak_mb()
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def heavy_images(tmp_path_factory) -> dict[str, Path]:
    """The worst a photo can be: the issue's 36-megapixel PNG and bombs, and the largest image
    of each kind that is accepted."""
    folder = tmp_path_factory.mktemp("heavy-images")
    files = {
        "png-36-megapixels.png": image_files.png(6000, 6000),
        "bomb.png": image_files.png_bomb(),
        "truncated.png": image_files.truncated_png(),
        "png-rgba-5.3-megapixels.png": image_files.png(2660, 2000, colour=image_files.RGBA),
        "jpeg-48-megapixels.jpg": image_files.photo_jpeg(8000, 6000),
        "progressive-jpeg-14.6-megapixels.jpg": image_files.photo_jpeg(
            4680, 3120, progressive=True
        ),
        "progressive-jpeg-444-7.5-megapixels.jpg": image_files.photo_jpeg(
            3340, 2240, progressive=True, subsampling=0
        ),
        "jpeg-20000x600.jpg": image_files.encoded(Image.new("RGB", (20_000, 600)), "JPEG"),
        "webp-3-megapixels.webp": image_files.encoded(
            Image.radial_gradient("L").resize((2000, 1500)).convert("RGBA"), "WEBP"
        ),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in files}


def test_processing_any_photo_keeps_the_process_small(heavy_images):
    """In a fresh process, as a web worker would take them, one after the other."""
    paths = [str(path) for path in heavy_images.values()]
    environment = {
        **os.environ,
        "PYTHONPATH": str(settings.BASE_DIR / "platform"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    run = subprocess.run(
        [sys.executable, "-c", MEASURE, *paths],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
        timeout=300,
    )
    report = json.loads(run.stdout)
    results = {Path(path).name: result for path, result in report["results"].items()}
    peak = max(report[path] for path in paths)
    growth = {Path(path).name: round(report[path] - report["baseline"]) for path in paths}
    print(f"baseline {report['baseline']:.0f} MB, peak {peak:.0f} MB, growth {growth}")
    assert peak < PEAK_LIMIT_MB
    assert peak - report["baseline"] < GROWTH_LIMIT_MB
    assert results["png-36-megapixels.png"] == "too_many_pixels"
    assert results["bomb.png"] == "too_many_pixels"
    assert results["truncated.png"] == "truncated"
    accepted = set(heavy_images) - {"png-36-megapixels.png", "bomb.png", "truncated.png"}
    assert {name: results[name][:2] for name in accepted} == dict.fromkeys(accepted, "ok")
