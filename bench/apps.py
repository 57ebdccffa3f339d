from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmarks' own command (`manage.py bench_data`); the scripts beside it print figures."""

    name = "bench"
    verbose_name = "Benchmarks"
