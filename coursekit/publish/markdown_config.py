"""One Markdown for pages and decks: the Python-Markdown extensions of the course's
``mkdocs.yml``, read as mkdocs reads them, and coursekit's own (:mod:`pandoc_markdown`).

mkdocs renders the notes pages with this configuration (:func:`with_course_markdown`,
called by ``mkdocs_run.mkdocs_config``); the decks render their Markdown cells with the
same one (:class:`DeckMarkdown`, the deck template's ``markdown2html`` filter), so a
construct looks the same on a page and on a slide. What only a page links to differs on
purpose: a slide's headings get no permalink (``¶``), its code lines no anchors.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import markdown
import yaml
from mkdocs.config.base import ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.utils import yaml_load

from ..errors import CourseError

EXTENSION = "coursekit.publish.pandoc_markdown"
# what `coursekit init` writes: the configuration of a deck rendered outside a course
DEFAULT_MKDOCS = Path(__file__).parent.parent / "cli" / "skeleton" / "mkdocs.yml"


def with_course_markdown(config: MkDocsConfig) -> MkDocsConfig:
    """``config`` (a loaded mkdocs configuration) with coursekit's extension added."""
    if EXTENSION not in config.markdown_extensions:
        config.markdown_extensions.append(EXTENSION)
    return config


def extensions_of(mkdocs_yml: Path) -> tuple[list[str], dict]:
    """The extensions, and their settings, that mkdocs renders pages with: read from
    ``mkdocs_yml`` by mkdocs' own option (its built-in ones first), coursekit's added."""
    try:
        return _extensions(mkdocs_yml.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise CourseError(f"cannot read its Markdown extensions: {exc}", path=mkdocs_yml,
                          hint="the site and the decks render Markdown as it says") from None


@functools.cache  # each deck of a site build reads the same file
def _extensions(text: str) -> tuple[list[str], dict]:
    option = copy.deepcopy(MkDocsConfig.markdown_extensions)
    names = option.validate((yaml_load(text) or {}).get("markdown_extensions", []))
    return [*names, *([] if EXTENSION in names else [EXTENSION])], option.configdata


class DeckMarkdown:
    """Markdown cell source → HTML, as the course's pages render it."""

    def __init__(self, mkdocs_yml: Path | None = None):
        names, settings = extensions_of(Path(mkdocs_yml or DEFAULT_MKDOCS))
        settings = copy.deepcopy(settings)
        # what only a page links to: no ¶ beside headings, no anchor on each code line
        settings.setdefault("toc", {})["permalink"] = False
        settings.setdefault("pymdownx.highlight", {})["anchor_linenums"] = False
        self._md = markdown.Markdown(extensions=names, extension_configs=settings)

    def __call__(self, source: str, *args, **kwargs) -> str:
        self._md.reset()
        return self._md.convert(source)

