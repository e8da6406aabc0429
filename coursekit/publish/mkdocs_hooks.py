"""mkdocs hooks (``mkdocs_run.mkdocs_config`` registers this file): MathJax only where
there is math.

MathJax is 1.3 MB; most pages have no formula. pymdownx.arithmatex marks every formula
with the ``arithmatex`` class, so a page whose HTML has none loads no MathJax at all.
"""

from __future__ import annotations

from coursekit.publish.mathjax import SITE_MATHJAX  # loaded by path: no relative import

MATH_MARK = 'class="arithmatex"'
MATHJAX_CONFIG = "assets/mathjax-config.js"  # site_static/, copied by site.py


def mathjax_tags(page_url: str) -> str:
    """The two script tags, relative to the page (the site also works from file://)."""
    up = "../" * page_url.count("/")
    return "".join(f'<script src="{up}{src}"></script>' for src in (MATHJAX_CONFIG, SITE_MATHJAX))


def on_post_page(output: str, page, config) -> str:
    if MATH_MARK not in output or "</body>" not in output:
        return output
    head, tail = output.rsplit("</body>", 1)
    return f"{head}{mathjax_tags(page.url)}</body>{tail}"
