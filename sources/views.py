from django.views.generic import DetailView, ListView

from sources.models import SourceDocument


class SourceDocumentListView(ListView):
    def get_queryset(self):
        return SourceDocument.objects.public()


class SourceDocumentDetailView(DetailView):
    def get_queryset(self):
        return SourceDocument.objects.public()
