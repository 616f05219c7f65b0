"""The admin reads Norwegian (Bokmål): every model's name, every field's label and help
text, the inline titles, the column headers, the filters and the actions.

Two checks. The project's own models are read directly: each verbose name, help text and
choice is a lazy gettext string whose msgid the Bokmål catalogue translates. And every
registered model's changelist, add form (where the superuser has one) and change form are
opened as a superuser in Bokmål: each label on the page (field labels, column headers,
headings, help texts, buttons, the actions) must be text the Bokmål catalogues (the
project's, Django's, django-allauth's) give, after its placeholders are filled. An English
label that slipped through (a field without a verbose name, a column without a
description, a string translated at import time) is named with its page.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import trans_real

from .endpoints import admin_access, admin_models
from .world import PLACES

PROJECT_ROOT = Path(settings.BASE_DIR).resolve()


def _catalogue() -> trans_real.TranslationCatalog:
    return trans_real.translation("nb")._catalog


def _msgid(text: Promise) -> str:
    with translation.override(None):  # no catalogue: the lazy string's own msgid
        return str(text)


def _translated(text: Promise) -> bool:
    msgid = _msgid(text)
    catalogue = _catalogue()
    msgids = catalogue.keys()  # a TranslationCatalog, not a dict: no iteration of its own
    return msgid in catalogue or any(
        isinstance(key, str) and key.endswith(f"\x04{msgid}") for key in msgids
    )


# --------------------------------------------------------------------------- the models


def _project_models_in_the_admin() -> list[type[models.Model]]:
    """The project's models that the admin shows: registered ones and their inlines'."""
    shown = {}
    for model_admin in admin_models().values():
        for model in (model_admin.model, *(inline.model for inline in model_admin.inlines)):
            path = Path(model._meta.app_config.path).resolve()
            if path.is_relative_to(PROJECT_ROOT) and ".venv" not in path.parts:
                shown[model._meta.label_lower] = model
    return [shown[label] for label in sorted(shown)]


def _texts_of(model: type[models.Model]):
    opts = model._meta
    yield "verbose_name", opts.verbose_name
    yield "verbose_name_plural", opts.verbose_name_plural
    for field in opts.get_fields(include_hidden=False):
        if field.auto_created and not field.concrete:
            continue  # a reverse relation: named by the other model
        if field.auto_created:
            continue  # the primary key
        yield f"{field.name}.verbose_name", field.verbose_name
        if field.help_text:
            yield f"{field.name}.help_text", field.help_text
        for value, label in field.flatchoices if field.choices else ():
            yield f"{field.name} choice {value!r}", label


@pytest.mark.parametrize(
    "model", _project_models_in_the_admin(), ids=lambda model: model._meta.label_lower
)
def test_every_name_of_a_model_is_translated_to_bokmal(model):
    """A lazy gettext string whose msgid the Bokmål catalogue translates; or lazily joined
    ones (format_lazy), whose Bokmål reading is texts of the catalogue in a row."""
    problems = []
    for where, text in _texts_of(model):
        if not isinstance(text, Promise):
            problems.append(f"{where}: {text!r} is not a lazy gettext string")
            continue
        with translation.override("nb"):
            bokmal = str(text)
        if not _translated(text) and not _is_bokmal(bokmal):
            problems.append(f"{where}: {_msgid(text)!r} has no Bokmål translation")
    assert problems == [], "\n" + "\n".join(problems)


# --------------------------------------------------------------------------- the pages

_PLACEHOLDER = re.compile(r"%\([^)]+\)[sd]|%[sd]|\{[^}]*\}")
_TAG = re.compile(r"<[^>]+>")


def _normal(text: str) -> str:
    text = re.sub(r"\s+", " ", _TAG.sub("", text)).strip()
    return text.rstrip(":*? ").strip().casefold()


@cache
def _bokmal_texts() -> tuple[frozenset[str], tuple[re.Pattern, ...]]:
    """Every text the Bokmål catalogues give: plain ones, and patterns for the ones with
    placeholders."""
    plain: set[str] = set()
    patterns: list[re.Pattern] = []
    for _key, value in _catalogue().items():
        if not isinstance(value, str) or not value.strip():
            continue
        text = _normal(value)
        if _PLACEHOLDER.search(value):
            pieces = _PLACEHOLDER.split(_normal(_TAG.sub("", value)))
            if re.search(r"[^\W\d_]", "".join(pieces)):  # "%s" alone would match anything
                patterns.append(re.compile(".+?".join(re.escape(piece) for piece in pieces) + "$"))
        else:
            plain.add(text)
    return frozenset(plain), tuple(patterns)


# Written the same in Bokmål, and named so by no catalogue (the primary key's label).
SAME_IN_BOKMAL = {"id"}


def _is_bokmal(text: str, data: frozenset[str] = frozenset()) -> bool:
    """Whether a label reads Bokmål: a text of the catalogues, or several in a row (Django
    adds its own sentence to a help text, e.g. how to choose more than one)."""
    text = _normal_spaces(text)
    if _is_one_bokmal_text(text, data):
        return True
    # Can the text be cut, after a full stop, into runs that are each a catalogue's text?
    cuts = [0, *(match.end() for match in re.finditer(r"[.!?](?=\s*\S)\s*", text)), len(text)]
    reachable = {0}
    for end in cuts[1:]:
        if any(_is_one_bokmal_text(text[start:end], data) for start in reachable if start < end):
            reachable.add(end)
    return len(text) in reachable and len(cuts) > 2


def _normal_spaces(text: str) -> str:
    return re.sub(r"\s+", " ", _TAG.sub("", text)).strip()


def _is_one_bokmal_text(text: str, data: frozenset[str]) -> bool:
    normal = _normal(text)
    if not normal or not re.search(r"[^\W\d_]", normal) or normal in SAME_IN_BOKMAL:
        return True  # nothing to read: an empty column, a number
    if normal in data:
        return True  # the object's own name, e.g. the change form's subtitle
    plain, patterns = _bokmal_texts()
    return normal in plain or any(pattern.match(normal) for pattern in patterns)


class AdminLabels(HTMLParser):
    """The texts of a page that are labels: field labels, column headers, headings, help
    texts, buttons and the actions' choices. The label of a choice inside its input (a
    checkbox of a list of objects) is data, not a label."""

    CAPTURED = {"label", "th", "h1", "h2", "h3", "summary", "button", "legend"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.labels: list[tuple[str, str]] = []
        self._open: list[tuple[str, list[str]]] = []
        self._in_action_select = False
        self._option: list[str] | None = None
        self._help_depth = 0
        self._depth = 0
        self._help: list[str] = []
        self._skip_depth: int | None = None
        self._select_open: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag not in {"br", "img", "input", "meta", "link", "hr"}:
            self._depth += 1
        if tag == "input" and attributes.get("type") == "submit" and attributes.get("value"):
            self.labels.append(("button", attributes["value"]))
        if tag == "input" and self._open and self._open[-1][0] == "label":
            self._open[-1] = ("choice", self._open[-1][1])  # a choice's own label: data
        if tag == "select" and attributes.get("name") == "action":
            self._in_action_select = True
        if tag == "select":
            self._select_open = list(self._open)  # its options are no label
            self._open = []
        if tag == "option" and self._in_action_select:
            self._option = []
        if tag == "div" and "help" in classes and not self._help_depth:
            self._help_depth = self._depth
            self._help = []
        if tag in ("td", "tbody") or (tag == "p" and "paginator" in classes):
            self._skip_depth = self._skip_depth or self._depth  # a row's data
        if tag in self.CAPTURED and self._skip_depth is None:
            self._open.append((tag, []))
        if tag == "p" and "errornote" in classes:
            self._open.append(("errornote", []))

    def handle_endtag(self, tag):
        if tag == "select":
            self._in_action_select = False
            self._open = self._select_open
        if tag == "option" and self._option is not None:
            self.labels.append(("action", "".join(self._option)))
            self._option = None
        if tag == "p" and self._open and self._open[-1][0] == "errornote":
            self.labels.append(self._open.pop())
            self.labels[-1] = ("errornote", "".join(self.labels[-1][1]))
        if tag in self.CAPTURED and self._open and self._open[-1][0] in (tag, "choice"):
            kind, pieces = self._open.pop()
            if kind == "th":  # a sorted column's header starts with its sort priority
                pieces = [re.sub(r"^\s*\d+\s+", "", "".join(pieces))]
            if kind == "button":  # e.g. the theme toggle: a text for each state
                self.labels += [(kind, line) for line in "".join(pieces).splitlines()]
            elif kind != "choice":
                self.labels.append((kind, "".join(pieces)))
        if tag == "div" and self._help_depth == self._depth:
            self.labels.append(("help", "".join(self._help)))
            self._help_depth = 0
        if self._skip_depth == self._depth:
            self._skip_depth = None
        if tag not in {"br", "img", "input", "meta", "link", "hr"}:
            self._depth -= 1

    def handle_data(self, data):
        for _kind, pieces in self._open:
            pieces.append(data)
        if self._option is not None:
            self._option.append(data)
        if self._help_depth:
            self._help.append(data)


def _admin_pages():
    """(label, view) for every registered model: its changelist, its add form where the
    superuser has one, and its change form."""
    for label in sorted(admin_models()):
        access = admin_access(label, "superuser")
        views = ["changelist", "add", "change"] if "a" in access else ["changelist", "change"]
        for view in views:
            yield pytest.param(label, view, id=f"{label}-{view}")


@pytest.mark.parametrize(("label", "view"), list(_admin_pages()))
def test_every_admin_page_reads_bokmal(label, view, world, as_role):
    model_admin = admin_models()[label]
    opts = model_admin.model._meta
    args, data = (), frozenset()
    if view == "change":
        objects = world.objects[label]
        place = next(place for place in (*PLACES, *objects) if place in objects)
        obj = model_admin.model._default_manager.get(pk=objects[place].pk)  # as stored
        args, data = (obj.pk,), frozenset({_normal(str(obj))})
    browser = as_role("superuser")
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    with translation.override("nb"):
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)
    response = browser.get(url)
    assert response.status_code == 200, url
    parser = AdminLabels()
    parser.feed(response.content.decode())
    assert parser.labels, f"{url}: no labels found (the reader is broken)"
    english = sorted(
        {f"{kind}: {text.strip()!r}" for kind, text in parser.labels if not _is_bokmal(text, data)}
    )
    assert english == [], f"{url}:\n" + "\n".join(english)


def test_a_refused_admin_form_reads_bokmal(world, as_role):
    """The messages of a form sent back with errors: the note at the top and each field's."""
    browser = as_role("superuser")
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    response = browser.post(reverse("admin:knutepunkt_district_add"), {"name": ""})
    assert response.status_code == 200
    parser = AdminLabels()
    parser.feed(response.content.decode())
    notes = [text for kind, text in parser.labels if kind == "errornote"]
    assert notes, "no error note on the refused form"
    english = sorted(
        {f"{kind}: {text.strip()!r}" for kind, text in parser.labels if not _is_bokmal(text)}
    )
    assert english == [], "\n".join(english)
