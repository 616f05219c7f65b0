"""htmx attributes are written data-hx-* (valid HTML; htmx reads both): no template of the
project carries a bare hx-* attribute, which the Nu Html Checker refuses."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
BARE_HTMX = re.compile(r"(?<![\w-])hx-[a-z-]+\s*=")


def test_no_template_has_a_bare_hx_attribute():
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 50  # the project's templates, not an empty folder
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()[:100]}"
        for path in templates
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BARE_HTMX.search(line)
    ]
    assert found == [], "write these as data-hx-*:\n" + "\n".join(found)
