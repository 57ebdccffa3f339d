"""Pages as trees of elements, for tests that read what a page contains.

One parser for every test: Python's own, which splits a page into tags and text as a browser does.
"""

from html.parser import HTMLParser

VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
VOID_TAGS |= {"track", "wbr", "param", "keygen"}


class Element:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attr_list, self.parent = tag, attrs, parent
        self.attrs = dict(attrs)
        self.children = []

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag, **attrs):
        return [
            element
            for element in self.iter()
            if element.tag == tag
            and all(element.attrs.get(name.rstrip("_")) == v for name, v in attrs.items())
        ]

    def find(self, tag, **attrs):
        found = self.find_all(tag, **attrs)
        return found[0] if found else Element("missing", [], None)


class PageParser(HTMLParser):
    """A page as a tree of elements, split into tags and text as a browser splits it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#document", [], None)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID_TAGS:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)

    def handle_comment(self, data):
        self.current.children.append(Element("#comment", [("text", data)], self.current))


def parse_html(text):
    parser = PageParser()
    parser.feed(text)
    parser.close()
    return parser.root
