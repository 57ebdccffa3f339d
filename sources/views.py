from django.views.generic import DetailView, ListView

from sources.models import SourceDocument


class SourceDocumentListView(ListView):
    model = SourceDocument


class SourceDocumentDetailView(DetailView):
    model = SourceDocument
