from editorial.changes import kept_until_content_changes
from pages.models import Page


def page_paths():
    """The paths of every page the public can open (its ancestors included), kept until the
    content next changes."""

    def compute():
        pages = Page.objects.at_their_address().with_ancestors()
        return sorted(
            page.path
            for page in pages
            if all(above.is_at_its_address for above in page.ancestors())
        )

    return set(kept_until_content_changes("page-paths", compute))


class PagePathConverter:
    """Matches only the path of a page at its address. A catch-all would make every unknown
    address "valid" to LocaleMiddleware, which would then send /anything to /en/anything."""

    regex = r"[-\w]+(?:/[-\w]+){0,2}"

    def to_python(self, value):
        if value not in page_paths():
            raise ValueError(value)
        return value

    def to_url(self, value):
        return value
