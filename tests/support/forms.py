"""What a browser would send back for a page's form, read from the HTML itself."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormFields(HTMLParser):
    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = form_id is None
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.form_id is not None:
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or ("name" not in attrs and tag in ("input", "select", "textarea")):
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._add(attrs["name"], attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self._select = attrs["name"]
            self.data.setdefault(self._select, [])
        elif tag == "option" and self._select is not None and "selected" in attrs:
            self._add(self._select, attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._add(self._textarea, "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            value = self.data[self._textarea][-1]  # a newline right after the tag is not text
            self.data[self._textarea][-1] = value.removeprefix("\r\n").removeprefix("\n")
            self._textarea = None
        elif tag == "form" and self.form_id is not None:
            self.inside = False

    def handle_data(self, data):
        if self._textarea is not None:
            self.data[self._textarea][-1] += data


def form_data(page: str, form_id: str | None = None, **changes) -> dict[str, list[str] | str]:
    """The values of every field of the form (the first on the page, or the one with this
    id) as the page shows them, with `changes` applied on top."""
    parser = _FormFields(form_id)
    parser.feed(page)
    data: dict[str, list[str] | str] = dict(parser.data)
    data.update(changes)
    return data
