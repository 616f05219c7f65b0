"""Submit admin forms as a browser would: read the form the admin renders (every field with
its current value, the inlines' management forms included), change some fields, post it."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    """The values a browser would send for the admin's change form (`<form id="…_form">`;
    the page has others, such as the logout button's)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._done = False
        self._select: tuple[str, bool] | None = None
        self._select_chosen: list[str] = []
        self._select_first: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._done:
            return
        if tag == "form" and (attrs.get("id") or "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value") or "on")
                return
            self.data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select = (name, "multiple" in attrs)
            self._select_chosen, self._select_first = [], None
        elif tag == "option" and self._select is not None:
            value = attrs.get("value") or ""
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs:
                self._select_chosen.append(value)
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if not self._in_form:
            return
        if tag == "select" and self._select is not None:
            name, multiple = self._select
            chosen = self._select_chosen
            if not chosen and not multiple and self._select_first is not None:
                chosen = [self._select_first]
            if chosen or not multiple:
                self.data[name] = chosen
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.data[self._textarea] = ["".join(self._text).removeprefix("\n")]
            self._textarea = None
        elif tag == "form":
            self._in_form, self._done = False, True


def admin_form(client, url: str) -> dict[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    reader = _FormReader()
    reader.feed(response.content.decode())
    return reader.data


def admin_submit(client, url: str, changes: dict | None = None, **more):
    """Post the admin form at `url` with these fields changed (a value or a list of values;
    None leaves the field out, as an unticked checkbox). Names of inline fields contain
    hyphens: give them in `changes`."""
    data = admin_form(client, url)
    for name, value in {**(changes or {}), **more}.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value if isinstance(value, list) else [str(value)]
    return client.post(url, data)
