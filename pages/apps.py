from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Pages"
    # Its rows appear on public pages: a change makes what is kept for them stale
    # (editorial/changes.py).
    public_content = True

    def ready(self):
        from editorial.addresses import keep_addresses

        page = self.get_model("Page")
        keep_addresses(page, dependents=page.descendants)
