"""The cache every web process shares: by default a database table (no extra service), so the
admin import's preview and its confirmation may reach different processes or machines
(django-import-export keeps the uploaded file there between the two; settings.CACHES).

``migrate`` creates the table (connected to post_migrate in ApprovalsConfig.ready), so no
deployment step is needed beyond the migrations it already runs."""

from django.core.management import call_command


def create_cache_table(sender, using="default", **kwargs):
    # Idempotent; does nothing for a Redis cache (CACHE_URL).
    call_command("createcachetable", database=using, verbosity=0)
