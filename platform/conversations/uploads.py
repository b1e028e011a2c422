"""Files attached to messages: what each one really is, found from its content alone.

``checked_files(uploads)`` returns a ``CheckedFile`` per upload (its name, kind and size) or raises
one ValidationError with a message per refused file, each naming the file. Neither the file's name
nor the type the sender's browser gave decides anything; they must only agree with the content:

- PDF: the ``%PDF-`` header, and the ``%%EOF`` marker near the end (else it was cut short).
- JPEG, PNG, WebP: opened by Pillow's three decoders only, their size checked against
  ``core.images``' decoding budget before any pixel is decoded, then decoded in full (a JPEG at
  1/8 scale), so that a decompression bomb or a truncated file is refused.
- Word, Excel, PowerPoint (Office Open XML): a zip archive whose central directory is checked
  first (how many entries, how much they unpack to, no name twice), then its
  ``[Content_Types].xml``, read with a bound and without a DTD, names the document's main part.
- Text and CSV: UTF-8 throughout, without control characters; the name's extension says which.
"""

import codecs
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from conversations.models import ATTACHMENT_NAME_LENGTH, AttachmentKind
from core import images

Kind = AttachmentKind

# The codes of the errors below, for the API schema.
ERROR_CODES = (
    "too_many_files",
    "bad_name",
    "empty",
    "too_large",
    "wrong_type",
    "wrong_extension",
    "unreadable",
    "truncated",
    "too_many_pixels",
    "zip_bomb",
)

EXTENSIONS = {
    Kind.PDF: (".pdf",),
    Kind.PNG: (".png",),
    Kind.JPEG: (".jpg", ".jpeg", ".jfif"),
    Kind.WEBP: (".webp",),
    Kind.TEXT: (".txt", ".text", ".md", ".log"),
    Kind.CSV: (".csv",),
    Kind.DOCX: (".docx",),
    Kind.XLSX: (".xlsx",),
    Kind.PPTX: (".pptx",),
}
ACCEPT = ",".join(extension for extensions in EXTENSIONS.values() for extension in extensions)

PDF_HEADER, PDF_END, PDF_END_WITHIN = b"%PDF-", b"%%EOF", 1024  # readers look this far back
PNG_SIGNATURE, JPEG_SIGNATURE, ZIP_SIGNATURE = b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"PK\x03\x04"
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP")
IMAGE_KINDS = {"JPEG": Kind.JPEG, "MPO": Kind.JPEG, "PNG": Kind.PNG, "WEBP": Kind.WEBP}

# An Office document of 10 MB unpacks to ~150 MB of XML at most, in a few thousand parts.
ZIP_MAX_ENTRIES = 5_000
ZIP_MAX_UNPACKED_BYTES = 256 * 1024 * 1024
CONTENT_TYPES_PART, CONTENT_TYPES_MAX_BYTES = "[Content_Types].xml", 1024 * 1024
CONTENT_TYPES_NAMESPACE = "{http://schemas.openxmlformats.org/package/2006/content-types}"
OFFICE_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": Kind.DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": Kind.XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        Kind.PPTX
    ),
}

# Tab, line feed, form feed and carriage return are text; other control characters are not.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Characters that make a name read other than it is ("invoice\u202efdp.exe") or break headers.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


@dataclass(frozen=True)
class CheckedFile:
    """An upload whose content was found to be ``kind``, under its sender's ``name``."""

    upload: File
    name: str
    kind: str
    size: int


def max_files() -> int:
    return settings.MESSAGE_ATTACHMENTS_PER_MESSAGE


def max_bytes() -> int:
    return settings.MESSAGE_ATTACHMENT_MAX_BYTES


def checked_files(uploads) -> list[CheckedFile]:
    """Every upload checked, or a ValidationError listing what is wrong with each refused one."""
    uploads = list(uploads)
    check_count(len(uploads))
    result, errors = [], []
    for upload in uploads:
        try:
            result.append(checked(upload))
        except ValidationError as error:
            errors.extend(error.error_list)
    if errors:
        raise ValidationError(errors)
    return result


def check_count(count: int) -> None:
    if count > max_files():
        raise ValidationError(
            _("Attach at most %(count)d files to a message.") % {"count": max_files()},
            code="too_many_files",
        )


def checked(upload) -> CheckedFile:
    """One upload, checked; a ValidationError naming the file and saying what is wrong."""
    try:
        name = clean_name(upload.name)
        check_size(upload.size)
        kind = named_kind(kind_of(upload), name)
        check_declared_type(getattr(upload, "content_type", None), kind)
    except ValidationError as error:
        message = _("“%(name)s” was not attached. %(reason)s") % {
            "name": shown_name(upload.name),
            "reason": error.messages[0],
        }
        raise ValidationError(message, code=error.error_list[0].code) from error
    return CheckedFile(upload=upload, name=name, kind=kind, size=upload.size)


def shown_name(name: str | None, length: int = 60) -> str:
    """The name as an error message may show it: printable, not too long."""
    printable = "".join(
        character
        for character in name or ""
        if character.isprintable() and character not in BIDI_CONTROLS
    )
    return printable if len(printable) <= length else printable[: length - 1] + "…"


# --- The name and the size -----------------------------------------------------------------------


def clean_name(name: str | None) -> str:
    """The file name as given, refused when it could mislead or hide a path; the sender's own
    name is kept, never used to store the file."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name or name in {".", ".."} or not all(map(_allowed_in_name, name)):
        raise ValidationError(
            _(
                "Its name is empty or holds characters a file name may not have (slashes, "
                "control characters)."
            ),
            code="bad_name",
        )
    if len(name) > ATTACHMENT_NAME_LENGTH:
        raise ValidationError(
            _("Its name is longer than %(count)d characters: shorten it.")
            % {"count": ATTACHMENT_NAME_LENGTH},
            code="bad_name",
        )
    return name


def _allowed_in_name(character: str) -> bool:
    return (
        character not in "/\\"
        and character not in BIDI_CONTROLS
        and unicodedata.category(character) not in ("Cc", "Cs", "Co", "Cn")
    )


def check_size(size: int) -> None:
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_bytes():
        raise ValidationError(
            _("The file is %(size)s MB; the largest accepted is %(limit)s MB.")
            % {"size": megabytes(size), "limit": megabytes(max_bytes())},
            code="too_large",
        )


def megabytes(size: int) -> str:
    return number_format(size / 1024 / 1024, 1)


# --- What the content is --------------------------------------------------------------------------


def kind_of(upload) -> str:
    head = read_at(upload, 0, 12)
    if head.startswith(PDF_HEADER):
        check_pdf_end(upload)
        return Kind.PDF
    if head.startswith((PNG_SIGNATURE, JPEG_SIGNATURE)) or is_webp(head):
        return image_kind(upload)
    if head.startswith(ZIP_SIGNATURE):
        return office_kind(upload)
    if is_text(upload):
        return Kind.TEXT
    raise not_accepted()


def is_webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def read_at(upload, offset: int, length: int) -> bytes:
    upload.seek(offset)
    return upload.read(length)


def not_accepted() -> ValidationError:
    return ValidationError(
        _(
            "This type of file is not accepted. Attach a PDF, a JPEG, PNG or WebP image, a text "
            "or CSV file in UTF-8, or a Word, Excel or PowerPoint document."
        ),
        code="wrong_type",
    )


def check_pdf_end(upload) -> None:
    if PDF_END not in read_at(upload, max(upload.size - PDF_END_WITHIN, 0), PDF_END_WITHIN):
        raise ValidationError(
            _("The PDF is incomplete: the file was cut short. Try saving it again."),
            code="truncated",
        )


def image_kind(upload) -> str:
    """The image's kind once it is decoded whole within ``core.images``' budget (its messages)."""
    with images.decoded_within_budget(
        upload, IMAGE_FORMATS, accepted=tuple(IMAGE_KINDS), draft_size=(1, 1)
    ) as image:
        image.load()  # a JPEG at 1/8 scale, every byte read
        return IMAGE_KINDS[image.format]


def office_kind(upload) -> str:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            check_unpacked_size(archive.infolist())
            content_types = read_bounded(archive, CONTENT_TYPES_PART, CONTENT_TYPES_MAX_BYTES)
            parts = set(archive.namelist())
    except ValidationError:
        raise
    except (zipfile.BadZipFile, KeyError, EOFError, OSError, NotImplementedError, RuntimeError):
        raise not_accepted() from None
    kind = main_part_kind(content_types, parts)
    if kind is None:
        raise not_accepted()
    return kind


def check_unpacked_size(entries: list[zipfile.ZipInfo]) -> None:
    """Before anything is unpacked: the archive's own account of itself must be that of a
    document, not of a decompression bomb. Entries that say they are smaller than they are fail
    their size and checksum test when read."""
    names = {entry.filename for entry in entries}
    if (
        len(entries) > ZIP_MAX_ENTRIES
        or len(names) != len(entries)  # readers disagree on which of two same-named parts counts
        or sum(entry.file_size for entry in entries) > ZIP_MAX_UNPACKED_BYTES
    ):
        raise ValidationError(
            _(
                "The document unpacks to more than %(size)s MB or %(count)d parts, as a "
                "decompression bomb does."
            )
            % {"size": ZIP_MAX_UNPACKED_BYTES // 1024 // 1024, "count": ZIP_MAX_ENTRIES},
            code="zip_bomb",
        )


def read_bounded(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    with archive.open(name) as part:
        data = part.read(limit + 1)
    if len(data) > limit:
        raise zipfile.BadZipFile(f"{name} is larger than a document's")
    return data


def main_part_kind(content_types: bytes, parts: set[str]) -> str | None:
    """Which Office document ``[Content_Types].xml`` describes, if its main part is there."""
    if b"<!DOCTYPE" in content_types.upper() or b"<!ENTITY" in content_types.upper():
        return None  # a package's content types have no DTD; entities could expand without end
    try:
        root = ElementTree.fromstring(content_types)  # noqa: S314 - without a DTD, as checked
    except ElementTree.ParseError:
        return None
    for override in root.iter(f"{CONTENT_TYPES_NAMESPACE}Override"):
        kind = OFFICE_MAIN_PARTS.get(override.get("ContentType", ""))
        if kind and override.get("PartName", "").removeprefix("/") in parts:
            return kind
    return None


def is_text(upload) -> bool:
    """UTF-8 from start to end, without control characters (a byte order mark is allowed)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in upload.chunks():
            if CONTROL_CHARACTERS.search(decoder.decode(chunk)):
                return False
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


# --- The name and the browser's type must agree with the content -------------------------------


def named_kind(kind: str, name: str) -> str:
    """``kind``, once the name's extension agrees with it; text named .csv is a CSV table."""
    extension = PurePosixPath(name.lower()).suffix
    if kind == Kind.TEXT and extension in EXTENSIONS[Kind.CSV]:
        return Kind.CSV
    if extension not in EXTENSIONS[kind]:
        extensions = EXTENSIONS[kind] + (EXTENSIONS[Kind.CSV] if kind == Kind.TEXT else ())
        raise ValidationError(
            _(
                "Its content is of type “%(kind)s”, but its name does not end in "
                "%(extensions)s: rename it."
            )
            % {"kind": Kind(kind).label, "extensions": get_text_list(list(extensions), _("or"))},
            code="wrong_extension",
        )
    return kind


def check_declared_type(declared: str | None, kind: str) -> None:
    """A browser names a file's type from its extension; one of the accepted types that is not
    the content's means the file was disguised. Types we do not accept say nothing either way
    (Excel on Windows sends CSV files as application/vnd.ms-excel)."""
    declared = (declared or "").split(";")[0].strip().lower()
    if declared not in Kind.values or family(declared) == family(kind):
        return
    raise ValidationError(
        _("Its content is of type “%(kind)s”, but it was sent as type “%(declared)s”.")
        % {"kind": Kind(kind).label, "declared": Kind(declared).label},
        code="wrong_type",
    )


def family(kind: str) -> str:
    """Text and CSV are both text: which of the two a browser says depends on the computer."""
    return Kind.TEXT if kind in (Kind.TEXT, Kind.CSV) else kind
