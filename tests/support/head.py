"""Reads what search engines and link previews read in a page: its meta tags, links and
JSON-LD blocks (the standard library's HTML parser, as a crawler's would)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PageHead:
    meta: dict[str, list[str]] = field(default_factory=dict)  # name or property -> contents
    links: list[dict[str, str]] = field(default_factory=list)
    json_ld: list = field(default_factory=list)

    def one(self, name: str) -> str | None:
        values = self.meta.get(name, [])
        assert len(values) <= 1, f"{name} appears {len(values)} times"
        return values[0] if values else None

    def links_of(self, rel: str) -> list[dict[str, str]]:
        return [link for link in self.links if link.get("rel") == rel]

    def of_type(self, schema_type: str) -> list[dict]:
        def types(item):
            found = item.get("@type")
            return found if isinstance(found, list) else [found]

        return [item for item in self.json_ld if schema_type in types(item)]


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.head = PageHead()
        self._ld: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "meta" and "content" in attributes:
            key = attributes.get("property") or attributes.get("name")
            if key:
                self.head.meta.setdefault(key, []).append(attributes["content"])
        elif tag == "link":
            self.head.links.append(attributes)
        elif tag == "script" and attributes.get("type") == "application/ld+json":
            self._ld = []

    def handle_data(self, data):
        if self._ld is not None:
            self._ld.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._ld is not None:
            self.head.json_ld.append(json.loads("".join(self._ld)))
            self._ld = None


def read_head(html: str) -> PageHead:
    reader = _Reader()
    reader.feed(html)
    return reader.head


LANGUAGES = ("nb", "nn", "en")
OG_LOCALES = {"nb": "nb_NO", "nn": "nn_NO", "en": "en_GB"}


def assert_page_meta(head: PageHead, *, name: str, path: str, site_url: str, language: str):
    """A page's meta description, Open Graph tags and, unless it is an error page (path
    None), its canonical address (its own, in its language, from the site's origin) and the
    hreflang alternates of every language plus x-default (the Bokmål page). Answers the
    alternates, {hreflang: absolute address}."""
    description = head.one("description")
    assert description and len(description) > 20, f"{name} has no meta description"
    for tag in ("og:title", "og:description", "og:type", "og:site_name", "og:locale"):
        assert head.one(tag), f"{name} has no {tag}"
    assert head.one("og:description") == description, name
    assert head.one("og:locale") == OG_LOCALES[language], name
    assert sorted(head.meta.get("og:locale:alternate", [])) == sorted(
        locale for code, locale in OG_LOCALES.items() if code != language
    ), name
    canonical = head.links_of("canonical")
    alternates = {link["hreflang"]: link["href"] for link in head.links_of("alternate")}
    if path is None:
        assert canonical == [] and alternates == {} and head.one("og:url") is None, name
        return {}
    assert len(canonical) == 1, f"{name} has {len(canonical)} canonical links"
    href = canonical[0]["href"]
    assert href == site_url + path, f"{name}: canonical {href}, expected {site_url}{path}"
    assert head.one("og:url") == href, name
    assert set(alternates) == {*LANGUAGES, "x-default"}, f"{name}: hreflang {set(alternates)}"
    assert alternates[language] == href, name
    assert alternates["x-default"] == alternates["nb"], name
    assert all(url.startswith(site_url + "/") for url in alternates.values()), name
    if head.one("og:image"):
        assert head.one("og:image").startswith(site_url + "/"), name
    return alternates
