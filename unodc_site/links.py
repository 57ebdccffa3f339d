"""Links the site builds from the request's own path, kept on the site."""

from django.utils.encoding import escape_uri_path


def on_site(path):
    """The path escaped (no tab or backslash a browser would drop or read as a slash) and with
    one leading slash: `//evil.example/`, from a crafted address, would link to another site."""
    return "/" + escape_uri_path(path).lstrip("/")
