from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from site_config.markup.citations import set_key_resolver


class PublicationsConfig(AppConfig):
    name = "publications"
    verbose_name = _("Publications")
    # Its rows are public content: see site_config.registry.
    content_app = True

    def ready(self):
        # Citations in any Markdown field resolve to publications; the markup
        # base is told how instead of importing this app.
        set_key_resolver(self.get_model("Publication").objects.by_keys)
