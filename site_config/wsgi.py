import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")
django_application = get_wsgi_application()

# Imported once Django is set up: it reads settings and models.
from site_config.pagecache.wsgi import CachedPagesApplication  # noqa: E402

application = CachedPagesApplication(django_application)
