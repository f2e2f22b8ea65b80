from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfigConfig(AppConfig):
    name = "site_config"
    verbose_name = _("Site")
    # Its rows are public content: see site_config.registry.
    content_app = True

    def ready(self):
        # Imported once the registry is ready, as Django's docs prescribe for
        # signal receivers: they look models up by label when they connect.
        from site_config import redirects
        from site_config.core import cleaning, lookups
        from site_config.export import tasks as export_tasks
        from site_config.media import cleanup
        from site_config.pagecache import invalidation

        cleanup.connect()
        cleaning.connect()
        lookups.connect()
        redirects.connect()
        invalidation.connect()
        export_tasks.connect()
