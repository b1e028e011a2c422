"""Stored files that are not public (members' photos, later engagement attachments): a view asks
the app's access function, then answers with ``protected_file``. Nothing under MEDIA_ROOT has a
public address."""

from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, quote_etag


def protected_file(request: HttpRequest, file: FieldFile, *, content_type: str) -> HttpResponse:
    """``file`` for this viewer only. The browser keeps it but asks again each time (a cheap 304
    while its name is unchanged), so that a photo made private or deleted stops showing.

    With PROTECTED_MEDIA_ACCEL_PREFIX set, the web server in front sends the file itself
    (nginx's X-Accel-Redirect to an internal location); otherwise it streams from the storage.
    """
    etag = quote_etag(file.name)  # stored names are never reused for other content
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = _file_response(file, content_type)
    response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _file_response(file: FieldFile, content_type: str) -> HttpResponse:
    prefix = settings.PROTECTED_MEDIA_ACCEL_PREFIX
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix + quote(file.name)
        return response
    return FileResponse(file.storage.open(file.name), content_type=content_type)
