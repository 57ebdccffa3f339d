from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "news"
    # Its rows appear on public pages: a change makes what is kept for them stale
    # (editorial/changes.py).
    public_content = True

    def ready(self):
        from editorial.addresses import keep_addresses
        from sources.models import register_made_from

        register_made_from(self.get_model("NewsItem"), "source")
        keep_addresses(self.get_model("NewsItem"))
