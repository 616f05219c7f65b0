"""What every response of the walk must satisfy, and the change form read back as a browser
would submit it."""

from __future__ import annotations

import traceback
from html.parser import HTMLParser

from django.urls import reverse
from django.utils import translation

LANGUAGES = ("nb", "nn", "en")


class PageOutline(HTMLParser):
    """The few things every page must have: <html lang>, one <h1>, a <main>."""

    def __init__(self):
        super().__init__()
        self.lang = None
        self.h1 = 0
        self.main = 0

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "main":
            self.main += 1


def outline_problems(response, language: str) -> list[str]:
    outline = PageOutline()
    outline.feed(response.content.decode())
    problems = []
    if outline.lang != language:
        problems.append(f'<html lang="{outline.lang}">, expected "{language}"')
    if outline.h1 != 1:
        problems.append(f"{outline.h1} <h1> elements")
    if outline.main != 1:
        problems.append(f"{outline.main} <main> elements")
    return problems


def login_path(language: str, admin: bool) -> str:
    with translation.override(language):
        return reverse("admin:login" if admin else "account_login")


def problems_of(response, want: str, *, language: str, html: bool, admin: bool) -> list[str]:
    """An empty list when the response is what the expectation table says."""
    status = response.status_code
    if status >= 500:
        error = getattr(response, "exc_info", None)
        where = ""
        if error:
            last = traceback.extract_tb(error[2])[-1]
            where = f": {error[0].__name__}: {error[1]} at {last.filename}:{last.lineno}"
        return [f"{status}{where}"]
    location = response.get("Location", "")
    if want == "login":
        if status != 302 or not location.split("?")[0].endswith(login_path(language, admin)):
            return [f"{status} {location}, expected a redirect to the sign-in page"]
        return []
    if want == "refused":
        if status not in (403, 404):
            return [f"{status}, expected 403 or 404"]
        return page_problems(response, language)
    if want == "302":
        return [] if status in (301, 302, 303) else [f"{status}, expected a redirect"]
    if str(status) != want:
        return [f"{status} {location}, expected {want}", *page_problems(response, language)]
    content_type = response.get("Content-Type", "")
    if status == 200 and html and not content_type.startswith("text/html"):
        return [f"Content-Type {content_type}, expected a page"]
    if status == 200 and not html:
        return ["a page, expected a file"] if content_type.startswith("text/html") else []
    return page_problems(response, language)


def page_problems(response, language: str) -> list[str]:
    """Any page with content (error pages too) has a language, one heading and a main."""
    if not response.get("Content-Type", "").startswith("text/html") or not response.content:
        return []
    if 300 <= response.status_code < 400:
        return []
    return [f"{response.status_code}: {p}" for p in outline_problems(response, language)]


class FormReader(HTMLParser):
    """The fields of one form as a browser submits them: text, hidden, checked boxes and
    radios, selected options, textareas (file inputs left empty; buttons not pressed)."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_multiple = False
        self._selected: list[str] = []
        self._first_option: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self._option_value: str | None = None
        self._option_text: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and attributes.get("id") == self.form_id:
            self.inside = True
            return
        if not self.inside:
            return
        name = attributes.get("name")
        if tag == "input" and name and "disabled" not in attributes:
            kind = attributes.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            self.data.append((name, attributes.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name and "disabled" not in attributes:
            self._select, self._select_multiple = name, "multiple" in attributes
            self._selected, self._first_option = [], None
        elif tag == "option" and self._select is not None:
            self._option_value = attributes.get("value")
            self._option_text = [] if self._option_value is None else None
            if "selected" in attributes:
                self._selected.append(self._option_value or "")
            if self._first_option is None:
                self._first_option = self._option_value or ""
        elif tag == "textarea" and name and "disabled" not in attributes:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            chosen = self._selected
            if not chosen and not self._select_multiple and self._first_option is not None:
                chosen = [self._first_option]
            self.data += [(self._select, value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.data.append((self._textarea, text.removeprefix("\n")))
            self._textarea = None


def form_as_submitted(content: str, form_id: str) -> dict[str, list[str]]:
    reader = FormReader(form_id)
    reader.feed(content)
    data: dict[str, list[str]] = {}
    for name, value in reader.data:
        data.setdefault(name, []).append(value)
    return data
