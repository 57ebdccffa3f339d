from django.contrib import admin

from sources.models import SourceDocument


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "filename", "original_publisher", "imported_at"]
    list_filter = ["kind"]
    search_fields = ["title", "text", "filename"]
    prepopulated_fields = {"slug": ["title"]}

    def get_readonly_fields(self, request, obj=None):
        # A document is evidence: once imported its text and file name stay as received.
        if obj:
            return ["filename", "text", "sha256", "imported_at"]
        return ["sha256", "imported_at"]
