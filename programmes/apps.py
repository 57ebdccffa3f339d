from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    # Its rows appear on public pages: a change makes what is kept for them stale
    # (editorial/changes.py).
    public_content = True

    def ready(self):
        from editorial.addresses import keep_addresses

        for name in ("Programme", "Country", "Office"):
            keep_addresses(self.get_model(name))
