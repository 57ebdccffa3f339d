from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = "Source documents"
    # Its rows appear on public pages: a change makes what is kept for them stale
    # (editorial/changes.py).
    public_content = True
