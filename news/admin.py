from django.contrib import admin
from markdownx.admin import MarkdownxModelAdmin

from news.models import Course, NewsPost, Talk
from site_config.core.admin import ContentAdminMixin


@admin.register(NewsPost)
class NewsPostAdmin(ContentAdminMixin, MarkdownxModelAdmin):
    list_display = ["title", "date", "is_pinned"]
    list_filter = ["is_pinned", "date"]
    search_fields = ["title", "summary", "body"]
    date_hierarchy = "date"
    slug_made_on_save = True
    autocomplete_fields = ["people", "themes", "publications"]
    fields = [
        "title",
        "slug",
        "date",
        "is_pinned",
        "summary",
        "body",
        "image",
        "image_alt",
        "people",
        "themes",
        "publications",
    ]


@admin.register(Talk)
class TalkAdmin(ContentAdminMixin, MarkdownxModelAdmin):
    list_display = ["title", "kind", "event", "start_date", "location"]
    list_filter = ["kind", "start_date"]
    search_fields = ["title", "event", "location", "speakers__full_name"]
    date_hierarchy = "start_date"
    slug_made_on_save = True
    autocomplete_fields = ["speakers", "themes", "publications"]
    fields = [
        "title",
        "slug",
        "kind",
        "speakers",
        "event",
        "event_url",
        "location",
        "start_date",
        "end_date",
        "abstract",
        "slides_url",
        "video_url",
        "publications",
        "themes",
    ]


@admin.register(Course)
class CourseAdmin(ContentAdminMixin, MarkdownxModelAdmin):
    list_display = ["code", "title", "term", "level", "institution"]
    list_filter = ["level", "year"]
    search_fields = ["code", "title", "term", "description"]
    slug_made_on_save = True
    autocomplete_fields = ["instructors"]
    fields = [
        "code",
        "title",
        "slug",
        "term",
        "year",
        "level",
        "institution",
        "instructors",
        "description",
        "url",
        "materials_url",
    ]
