"""Staff-only replacements for django-markdownx's preview and image-upload views.

markdownx's own views need no login, return the preview unsanitized and store
whatever the browser calls an image. These keep its URL names (its widget script
posts to them) but answer staff only, render through the one sanitizing renderer
and store only images Pillow has re-encoded under a generated name.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from site_config.markup.render import render_markdown
from site_config.media.uploads import reencode_image


def _staff_only(request):
    if request.user.is_active and request.user.is_staff:
        return None
    return JsonResponse(
        {"error": _("Only signed-in editors may use the Markdown editor.")},
        status=403,
    )


@require_POST
def markdownify(request):
    """The editor's live preview: Markdown to sanitized HTML."""
    if refused := _staff_only(request):
        return refused
    return HttpResponse(render_markdown(request.POST.get("content", "")))


@require_POST
def upload(request):
    """An image dropped into the editor: re-encoded, stored, returned as Markdown."""
    if refused := _staff_only(request):
        return refused
    image = request.FILES.get("image")
    if image is None:
        return JsonResponse(
            {"image": [_("No image was uploaded (expected a file field 'image').")]},
            status=400,
        )
    limit = settings.MARKDOWNX_UPLOAD_MAX_SIZE
    if image.size > limit:
        return JsonResponse(
            {
                "image": [
                    _("The image is larger than %(limit)d MB.")
                    % {"limit": limit // (1024 * 1024)}
                ]
            },
            status=400,
        )
    max_side = max(settings.MARKDOWNX_IMAGE_MAX_SIZE.get("size", (1600, 1600)))
    try:
        clean = reencode_image(image, max_side=max_side)
    except ValidationError as error:
        return JsonResponse({"image": error.messages}, status=400)
    stored = default_storage.save(f"{settings.MARKDOWNX_MEDIA_PATH}{clean.name}", clean)
    return JsonResponse({"image_code": f"![]({default_storage.url(stored)})"})
