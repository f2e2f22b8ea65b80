from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfigConfig(AppConfig):
    name = "site_config"
    verbose_name = _("Site")

    def ready(self):
        from site_config import invalidation, signals

        signals.connect()
        invalidation.connect()
