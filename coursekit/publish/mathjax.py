"""MathJax for the notes pages and the decks, from the pinned npm package, no CDN.

``package.json`` pins ``mathjax`` (``npm ci`` puts it in ``node_modules/``). One copy goes
into the site at :data:`MATHJAX_DIR`: the notes pages load it through ``mkdocs.yml``'s
``extra_javascript`` (with ``assets/mathjax-config.js`` before it), the decks in
``slides/`` through :data:`DECK_MATHJAX_URL`. Both paths are relative, so the site works
served and from the unzipped bundle (``file://``).

Only what a page loads is copied: the combined TeX → CommonHTML component with every TeX
extension built in (nothing is fetched on demand, as ``tex-chtml.js``'s autoloader
would), and the fonts its output uses, which MathJax finds beside the script
(``output/chtml/fonts/woff-v2/``).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import CourseError

MATHJAX_DIR = "assets/vendor/mathjax"  # under the site root
MATHJAX_SCRIPT = "tex-chtml-full.js"
MATHJAX_FONTS = "output/chtml/fonts/woff-v2"
# the site-root path mkdocs.yml's extra_javascript names
SITE_MATHJAX = f"{MATHJAX_DIR}/{MATHJAX_SCRIPT}"
# the decks are slides/<stem>.html: one level below the site root
DECK_MATHJAX_URL = f"../{SITE_MATHJAX}"


def mathjax_assets(node_modules: Path) -> dict[str, bytes]:
    """Relative path under :data:`MATHJAX_DIR` → bytes, from the installed npm package."""
    package = node_modules / "mathjax"
    es5 = package / "es5"
    if not (package / "package.json").is_file() or not (es5 / MATHJAX_SCRIPT).is_file():
        raise CourseError("mathjax is not installed", path=package,
                          hint="run `npm ci` in the course folder (package.json pins it)")
    files = {MATHJAX_SCRIPT: (es5 / MATHJAX_SCRIPT).read_bytes(),
             "LICENSE": (package / "LICENSE").read_bytes()}
    for font in sorted((es5 / MATHJAX_FONTS).iterdir()):
        files[f"{MATHJAX_FONTS}/{font.name}"] = font.read_bytes()
    return files
