"""Files to attach in tests: one of each accepted type, and hostile ones."""

import zipfile
from io import BytesIO

from PIL import Image

from tests.core import image_files

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
SLIDES_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"


def pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def png() -> bytes:
    return image_files.png(64, 48)


def jpeg() -> bytes:
    return image_files.photo_jpeg(640, 480)


def webp() -> bytes:
    return image_files.encoded(Image.new("RGB", (64, 48), "teal"), "WEBP")


def text() -> bytes:
    return "Notes on 深圳 suppliers\r\n\tAudit in March.\n".encode()


def csv() -> bytes:
    return "\ufeffcity,sector\n深圳,ICT\nToronto,finance\n".encode()


def content_types(main_part: str, main_type: str, *, doctype: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/>'
        "</Types>"
    ).encode()


def office(main_part: str, main_type: str, **options) -> bytes:
    output = BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types(main_part, main_type, **options))
        archive.writestr(main_part, "<document>Supplier audit, 深圳</document>")
    return output.getvalue()


def docx() -> bytes:
    return office("word/document.xml", WORD_MAIN)


def xlsx() -> bytes:
    return office("xl/workbook.xml", EXCEL_MAIN)


def pptx() -> bytes:
    return office("ppt/presentation.xml", SLIDES_MAIN)


# --- Hostile -------------------------------------------------------------------------------------


def exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200) + b"PE\x00\x00"


def html() -> bytes:
    return b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def truncated_jpeg() -> bytes:
    whole = jpeg()
    return whole[: len(whole) * 2 // 3]


def truncated_pdf() -> bytes:
    return pdf()[:40]


def zip_bomb_docx(megabytes: int = 300) -> bytes:
    """A Word document on the outside whose main part unpacks to ``megabytes`` of zeros from
    about a thousandth of that."""
    output = BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", content_types("word/document.xml", WORD_MAIN))
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            zeros = bytes(1024 * 1024)
            for _ in range(megabytes):
                part.write(zeros)
    return output.getvalue()


def many_parts_docx(count: int = 5_001) -> bytes:
    output = BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", content_types("word/document.xml", WORD_MAIN))
        archive.writestr("word/document.xml", "<document/>")
        for number in range(count):
            archive.writestr(f"word/media/{number}.xml", "")
    return output.getvalue()


def entity_docx() -> bytes:
    """Content types whose DTD would expand an entity a billion times."""
    laughs = '<!DOCTYPE Types [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
    return office("word/document.xml", WORD_MAIN, doctype=laughs)


def plain_zip() -> bytes:
    output = BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("notes.txt", "not a document")
    return output.getvalue()


def macro_docm() -> bytes:
    return office("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml")
