"""The course day: lessons and breaks with clock times, and what each lesson teaches.

Times come from the lessons' ``teaching`` + ``exercises`` minutes, ``course.yml``'s
``schedule.start`` and its breaks (each after a named lesson), the way the Carpentries
Workbench builds its schedule. Text in, text out: the site builder places the pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config import Course
from ..errors import ConfigError
from ..source.lesson import Lesson


@dataclass(frozen=True)
class Slot:
    """One row of the day: a lesson or a break. ``start``/``end`` are minutes after
    midnight, None once an untimed lesson makes the clock unknown."""

    title: str
    minutes: int | None
    start: int | None
    end: int | None
    lesson: Lesson | None = None


def check_breaks(course: Course, lessons: list[Lesson], path: Path) -> None:
    """Every break follows a lesson that exists."""
    stems = [lesson.stem for lesson in lessons]
    for brk in course.schedule.breaks if course.schedule else ():
        if brk.after not in stems:
            raise ConfigError(f"the break '{brk.title}' comes after lesson '{brk.after}', "
                              "which content/ does not have", path=path, line=brk.line or None,
                              hint=f"lessons: {', '.join(stems)}")


def timetable(course: Course, lessons: list[Lesson]) -> list[Slot]:
    """Lessons in order, each followed by its breaks; without a start time the clock
    counts from 0:00 (elapsed time)."""
    schedule = course.schedule
    clock: int | None = schedule.start if schedule else 0
    breaks = schedule.breaks if schedule else ()
    slots = []
    for lesson in lessons:
        minutes = lesson.minutes if lesson.timed else None
        slots.append(_slot(lesson.title, minutes, clock, lesson))
        clock = slots[-1].end
        for brk in breaks:
            if brk.after == lesson.stem:
                slots.append(_slot(brk.title, brk.minutes, clock))
                clock = slots[-1].end
    return slots


def _slot(title: str, minutes: int | None, start: int | None,
          lesson: Lesson | None = None) -> Slot:
    end = None if start is None or minutes is None else start + minutes
    return Slot(title, minutes, start, end, lesson)


def clock_text(minutes: int | None) -> str:
    """``570`` → ``09:30``; past midnight the hours go on (a course may run late)."""
    if minutes is None:
        return "?"
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def span_text(slot: Slot) -> str:
    return f"{clock_text(slot.start)}–{clock_text(slot.end)}"


def timing_text(lesson: Lesson) -> str:
    """``35 min teaching + 40 min exercises``; what an untimed lesson lacks."""
    if not lesson.timed:
        return "no timings in the lesson header"
    return f"{lesson.teaching} min teaching + {lesson.exercises} min exercises"


def schedule_table(course: Course, lessons: list[Lesson], link=lambda stem: stem) -> str:
    """The home page's table: one row per lesson and break, with clock times."""
    head = "Time" if course.schedule else "Elapsed"
    rows = [f"| {head} | What | Minutes |", "|---|---|---|"]
    for slot in timetable(course, lessons):
        if slot.lesson is not None:
            what = f"[{slot.title}]({link(slot.lesson.stem)})"
            minutes = (f"{slot.lesson.teaching} + {slot.lesson.exercises}"
                       if slot.lesson.timed else "–")
        else:
            what, minutes = f"*{slot.title}*", str(slot.minutes)
        rows.append(f"| {span_text(slot)} | {what} | {minutes} |")
    return "\n".join(rows)


def untimed_warnings(lessons: list[Lesson]) -> list[str]:
    """``build.py check``: a lesson without minutes leaves the day's clock unknown."""
    return [f"{lesson.path}: warning: no 'teaching' and 'exercises' minutes in the header; "
            "the schedule cannot give clock times from here on"
            for lesson in lessons if not lesson.timed]


def outcomes_page(lessons: list[Lesson], link=lambda stem: stem) -> str:
    """Every lesson's objectives (what a student can do afterwards) and keypoints."""
    parts = ["# Objectives and keypoints", "",
             "What each lesson sets out to teach, and what to remember from it.", ""]
    for lesson in lessons:
        parts += [f"## [{lesson.title}]({link(lesson.stem)})", ""]
        if lesson.questions:  # the Carpentries' questions: shown where a lesson has them
            parts += ["**Questions**", "", *[f"- {item}" for item in lesson.questions], ""]
        for heading, items in (("Objectives", lesson.objectives),
                               ("Keypoints", lesson.keypoints)):
            parts += [f"**{heading}**", ""]
            parts += [f"- {item}" for item in items] or ["*(none declared)*"]
            parts.append("")
    return "\n".join(parts)
