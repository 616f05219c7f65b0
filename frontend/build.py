"""Assemble Digdir Designsystemet for Django's static files (run by `make design`).

From the npm packages in frontend/node_modules (installed by `npm ci`, pinned by
package-lock.json) this writes frontend/dist/designsystemet/ (git-ignored, one of
STATICFILES_DIRS):

- designsystemet.css: the Inter font faces, our theme (built by Designsystemet's own CLI
  from the brand colour in designsystemet.config.json) and the components' CSS, in that
  order, in one file;
- fonts/: the Inter (variable) woff2 files the font faces name;
- icons/: the small SVG icons the components' CSS carries as data: URLs, written out as
  files, because the Content-Security-Policy allows images only from the portal itself
  (img-src 'self'; a data: URL in a mask or background is an image).

Usage: python frontend/build.py --node .venv/bin/node
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

FRONTEND = Path(__file__).resolve().parent
MODULES = FRONTEND / "node_modules"
WORK = FRONTEND / "build"
DIST = FRONTEND / "dist" / "designsystemet"
CLI = MODULES / "@digdir" / "designsystemet" / "dist" / "bin" / "designsystemet.js"
COMPONENTS_CSS = MODULES / "@digdir" / "designsystemet-css" / "dist" / "src" / "index.css"
FONT_PACKAGE = MODULES / "@fontsource-variable" / "inter"
FONT_FILES = ("wght.css", "wght-italic.css")
THEME = "hubportal"

DATA_URL = re.compile(r"""url\((["'])data:image/svg\+xml(?:;charset=utf-8)?,(.*?)\1\)""")
FONT_URL = re.compile(r"url\(\./files/([^)]+)\)")
CHARSET = re.compile(r'@charset "UTF-8";\s*', re.IGNORECASE)


def run_cli(node: str, *args: str) -> None:
    subprocess.run([node, str(CLI), *args], cwd=FRONTEND, check=True)  # noqa: S603


def build_theme(node: str) -> str:
    tokens, theme = WORK / "design-tokens", WORK / "theme"
    config = str(FRONTEND / "designsystemet.config.json")
    run_cli(node, "tokens", "create", "--config", config, "--out-dir", str(tokens), "--clean")
    run_cli(node, "tokens", "build", "--config", config, "-t", str(tokens), "-o", str(theme))
    return (theme / f"{THEME}.css").read_text(encoding="utf-8")


def font_faces() -> str:
    """The Inter font faces, named plain "Inter" (the family the theme asks for), with their
    woff2 files copied next to the CSS."""
    (DIST / "fonts").mkdir(parents=True, exist_ok=True)
    faces = []
    for name in FONT_FILES:
        css = (FONT_PACKAGE / name).read_text(encoding="utf-8")
        for file_name in FONT_URL.findall(css):
            shutil.copyfile(FONT_PACKAGE / "files" / file_name, DIST / "fonts" / file_name)
        css = FONT_URL.sub(r'url("fonts/\1")', css)
        faces.append(css.replace("'Inter Variable'", "'Inter'"))
    return "\n".join(faces)


def icons_as_files(css: str) -> str:
    """Each data: SVG written to icons/<hash>.svg, and the url() pointed at it."""
    (DIST / "icons").mkdir(parents=True, exist_ok=True)

    def write(match: re.Match[str]) -> str:
        svg = urllib.parse.unquote(match.group(2))
        name = hashlib.sha256(svg.encode()).hexdigest()[:16] + ".svg"
        (DIST / "icons" / name).write_text(svg, encoding="utf-8")
        return f'url("icons/{name}")'

    return DATA_URL.sub(write, css)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--node", required=True, help="the Node executable (the venv's)")
    node = parser.parse_args().node
    # The CLI runs in frontend/, so a relative path to Node must be made absolute first.
    node = str(Path(node).resolve()) if "/" in node else (shutil.which(node) or node)
    if not CLI.exists():
        sys.exit("frontend/build.py: run `npm ci --prefix frontend` first (make design does)")
    shutil.rmtree(DIST, ignore_errors=True)
    DIST.mkdir(parents=True)
    theme = build_theme(node)
    components = COMPONENTS_CSS.read_text(encoding="utf-8")
    parts = [
        "/* Digdir Designsystemet, assembled by frontend/build.py: do not edit. */",
        font_faces(),
        CHARSET.sub("", theme),
        CHARSET.sub("", components),
    ]
    css = icons_as_files('@charset "UTF-8";\n' + "\n".join(parts))
    leftover = re.findall(r"url\(\s*['\"]?data:", css)
    if leftover:
        sys.exit(f"frontend/build.py: {len(leftover)} data: URLs left (the CSP would refuse them)")
    (DIST / "designsystemet.css").write_text(css, encoding="utf-8")
    print(f"frontend/build.py: wrote {DIST.relative_to(FRONTEND.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
