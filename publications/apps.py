from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    name = "publications"
    verbose_name = "Publications"
    # Its rows appear on public pages: a change makes what is kept for them stale
    # (editorial/changes.py).
    public_content = True

    def ready(self):
        from editorial.addresses import keep_addresses

        keep_addresses(self.get_model("Publication"))
