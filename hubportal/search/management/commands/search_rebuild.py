from django.core.management.base import BaseCommand

from hubportal.search.services import search_rebuild


class Command(BaseCommand):
    help = "Rebuild the search index from every registered provider."

    def handle(self, *args, **options):
        self.stdout.write(f"indexed {search_rebuild()} documents")
