"""What a page's head says: meta tags, link tags and JSON-LD blocks."""

from html.parser import HTMLParser


class HeadParser(HTMLParser):
    """Collects meta tags, link tags and JSON-LD blocks from HTML."""

    def __init__(self):
        super().__init__()
        self.meta = []
        self.links = []
        self.json_ld = []
        self._in_json = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "content" in attrs:
            self.meta.append(
                (attrs.get("name") or attrs.get("property"), attrs["content"])
            )
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json = False

    def handle_data(self, data):
        if self._in_json:
            self.json_ld[-1] += data

    def values(self, name):
        return [content for key, content in self.meta if key == name]


def parse(html):
    parser = HeadParser()
    parser.feed(html)
    return parser
