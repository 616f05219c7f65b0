"""One search index for the whole installation: "one door in" to every municipality.

Each searchable object (a hub, a district, a news item, later services, events and
organisations) has one row here, written by the provider its app registers. The row
carries a full-text vector (Norwegian stemming) and an unaccented text for trigram
matching, so that "bostote" finds "bostøtte".
"""

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    url = models.CharField(_("address"), max_length=500)
    municipality_id = models.BigIntegerField(null=True, db_index=True)
    district_id = models.BigIntegerField(null=True)
    hub_id = models.BigIntegerField(null=True)
    boost = models.FloatField(default=1.0)
    visible_from = models.DateTimeField(null=True)
    visible_until = models.DateTimeField(null=True)
    search_vector = SearchVectorField(null=True)
    match_text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="search_one_document_per_object"
            )
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="search_vector_gin"),
            GinIndex(fields=["match_text"], name="search_match_trgm", opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self):
        return self.title
