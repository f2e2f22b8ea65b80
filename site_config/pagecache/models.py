"""The page cache's one table: the content version every cached page is keyed by."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentVersion(models.Model):
    """A counter that moves whenever anything a public page shows changes.

    The page cache keys its entries by this value; one row read per request keeps
    every process in step even when each holds its own local-memory cache.
    """

    value = models.PositiveBigIntegerField(_("value"), default=0)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")

    def __str__(self):
        return str(self.value)
