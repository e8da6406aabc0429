"""One base class for every error a user can cause, each carrying where it happened."""

from __future__ import annotations

from pathlib import Path


class CourseError(Exception):
    """A problem in the user's input or environment, reported without a traceback.

    ``path``/``line``/``cell`` say where; ``hint`` says what to do next.
    """

    exit_code = 2

    def __init__(self, message: str, *, path: Path | str | None = None,
                 line: int | None = None, cell: int | None = None,
                 hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.cell = cell
        self.hint = hint

    def location(self) -> str:
        if self.path is None:
            return ""
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
        return where

    def __str__(self) -> str:
        text = self.message
        if self.cell is not None:
            text += f" (cell {self.cell})"
        where = self.location()
        if where:
            text = f"{where}: {text}"
        if self.hint:
            text += f". {self.hint}"
        return text


class MarkerError(CourseError):
    """Malformed solution markers in a lesson."""


class LessonFormatError(CourseError):
    """A lesson header or cell metadata that does not follow the lesson format."""


class ConfigError(CourseError):
    """A problem in course.yml."""


class LeakError(CourseError):
    """Solution text found in a student artifact."""
