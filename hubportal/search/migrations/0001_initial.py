import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("contenttypes", "0002_remove_content_type_name")]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("object_id", models.PositiveBigIntegerField()),
                ("kind", models.CharField(max_length=40, verbose_name="kind")),
                ("title", models.CharField(max_length=300, verbose_name="title")),
                ("summary", models.TextField(blank=True, verbose_name="summary")),
                ("url", models.CharField(max_length=500, verbose_name="address")),
                ("municipality_id", models.BigIntegerField(db_index=True, null=True)),
                ("district_id", models.BigIntegerField(null=True)),
                ("hub_id", models.BigIntegerField(null=True)),
                ("boost", models.FloatField(default=1.0)),
                ("visible_from", models.DateTimeField(null=True)),
                ("visible_until", models.DateTimeField(null=True)),
                ("search_vector", django.contrib.postgres.search.SearchVectorField(null=True)),
                ("match_text", models.TextField(blank=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("content_type", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="contenttypes.contenttype")),
            ],
            options={
                "verbose_name": "search document",
                "verbose_name_plural": "search documents",
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(fields=["search_vector"], name="search_vector_gin"),
                    django.contrib.postgres.indexes.GinIndex(fields=["match_text"], name="search_match_trgm", opclasses=["gin_trgm_ops"]),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("content_type", "object_id"), name="search_one_document_per_object")
                ],
            },
        ),
    ]
