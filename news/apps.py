from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "news"

    def ready(self):
        from sources.models import register_made_from

        register_made_from(self.get_model("NewsItem"), "source")
