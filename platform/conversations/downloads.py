"""An attachment as its download: never shown in the browser, whatever it holds."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

from conversations.models import Attachment
from core.protected_files import protected_file


def attachment_response(request: HttpRequest, attachment: Attachment) -> HttpResponse:
    """The file, for a viewer an access function let through: saved under the sender's name,
    as the type its content was found to be, which the browser may not second-guess."""
    try:
        response = protected_file(request, attachment.file, content_type=attachment.content_type)
    except FileNotFoundError:  # its row outlived it (restored from a backup without the media)
        raise Http404 from None
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=attachment.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
