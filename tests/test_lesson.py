"""Reading lesson files: header validation, tags, and errors that name file and line."""

import pytest

from conftest import HEADER, lesson_source
from coursekit.errors import CourseError, LessonFormatError, MarkerError
from coursekit.source.lesson import discover, load_lessons, read_lesson


def write(tmp_path, source, name="01_demo.py"):
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    return path


def line_of(source: str, needle: str) -> int:
    return next(i for i, line in enumerate(source.split("\n"), 1) if needle in line)


def test_cells_know_their_file_lines(tmp_path):
    source = lesson_source("""
        # %% [markdown]
        # # Title
        # text

        # %%

        x = 1
        y = 2

        # %% tags=["solution"]
        def f():
            return 3
    """)
    lesson = read_lesson(write(tmp_path, source))
    assert [c.cell_type for c in lesson.cells] == ["markdown", "code", "code"]
    assert lesson.cells[0].line == line_of(source, "# # Title")
    assert lesson.cells[1].line == line_of(source, "x = 1")
    assert lesson.cells[1].source == "x = 1\ny = 2"
    assert lesson.cells[2].line == line_of(source, "def f")
    assert lesson.title == "A tiny lesson"


def test_header_fields_and_parameters(tmp_path):
    header = HEADER.replace("#     title: {title}", """\
#     title: Adding
#     summary: Learn to add.
#     accelerator: gpu
#     data:
#       numbers.txt: data_path
#     profiles:
#       smoke:
#         parameters: {epochs: 1}
#         targets:
#           accuracy: {min: 0.9}""")
    source = lesson_source("""
        # %% tags=["parameters"]
        epochs = 10
        data_path = None
        lr = 1e-3 * 2
    """, header=header)
    lesson = read_lesson(write(tmp_path, source))
    assert lesson.accelerator == "gpu"
    assert lesson.data == {"numbers.txt": "data_path"}
    assert lesson.parameters == {"epochs": 10, "data_path": None, "lr": None}
    assert lesson.profiles["smoke"]["targets"] == {"accuracy": {"min": 0.9}}


@pytest.mark.parametrize("header_change, message, needle", [
    (("#     title: {title}", "#     summary: no title"), "has no title", "course:"),
    (("#     title: {title}", "#     title: T\n#     titel: typo"),
     "unknown course key 'titel'", "titel"),
    (("#     title: {title}", "#     title: T\n#     accelerator: tpu"),
     "accelerator must be", "accelerator"),
    (("#     title: {title}",
      "#     title: T\n#     profiles:\n#       smoke:\n#         parameters: {epochz: 1}"),
     "sets 'epochz'", "smoke"),
    (("#     title: {title}",
      "#     title: T\n#     profiles:\n#       smoke:\n#         targets: {acc: 0.9}"),
     "must look like", "targets:"),
    (("#     title: {title}", "#     title: T\n#     data:\n#       a.npz: path"),
     "feeds 'path'", "data:"),
    # issue 23: every wrong type is a header error, never a traceback or a late failure
    (("#     title: {title}", "#     title: T\n#     profiles:\n#       smoke:\n"
      "#         targets: {acc: {max: '0.1'}}"), "max must be a number, not '0.1'", "targets:"),
    (("#     title: {title}", "#     title: T\n#     profiles:\n#       smoke:\n"
      "#         targets: {acc: {max: null}}"), "max must be a number, not None", "targets:"),
    (("#     title: {title}", "#     title: T\n#     profiles:\n#       smoke:\n"
      "#         targets: [acc]"), "targets of profile 'smoke' must be a mapping", "targets:"),
    (("#     title: {title}", "#     title: T\n#     profiles:\n#       7: {}"),
     "profile '7' may only have", "7:"),
    (("#     title: {title}", "#     title: T\n#     data:\n#       a.npz: [path]"),
     "data entry 'a.npz': ['path'] must map a file name", "data:"),
    (("#     title: {title}", "#     title: 123"), "'title' must be text, not 123", "title:"),
    (("#     title: {title}", "#     title: T\n#     summary: [one, two]"),
     "'summary' must be text, not ['one', 'two']", "summary:"),
    (("#     title: {title}", "#     title: T\n#     timeout: soon"),
     "'timeout' must be a whole number of seconds", "timeout:"),
    (("#   course:\n#     title: {title}", "#   course: 5"), "'course:' must be a mapping",
     "course:"),
])
def test_header_errors_name_file_and_line(tmp_path, header_change, message, needle):
    header = HEADER.replace(*header_change)
    source = lesson_source("""
        # %% tags=["parameters"]
        epochs = 3
    """, header=header)
    path = write(tmp_path, source)
    with pytest.raises(LessonFormatError) as info:
        read_lesson(path)
    assert message in str(info.value)
    assert info.value.path == path
    assert info.value.line == line_of(source, needle)


def test_unknown_tag_suggests_the_known_one(tmp_path):
    source = lesson_source("""
        # %% tags=["solutoin"]
        x = 1
    """)
    with pytest.raises(LessonFormatError) as info:
        read_lesson(write(tmp_path, source))
    assert "unknown cell tag 'solutoin'" in str(info.value)
    assert "did you mean 'solution'" in str(info.value)
    assert info.value.line == line_of(source, "solutoin")


@pytest.mark.parametrize("body, needle, message", [
    ("# %%\nx = 1\n### BEGIN SOLUTION\ny = 2\n", "BEGIN", "never closed"),
    ("# %%\nx = 1\n\n# %%\n### BEGIN SOLUTION\n### BEGIN SOLUTION\ny\n### END SOLUTION\n"
     "### END SOLUTION\n", "BEGIN SOLUTION", "nested"),
    ("# %%\nx = 1\n### END SOLUTION\n", "END", "without a matching"),
    ("# %%\ns = '''\n### BEGIN SOLUTION\n'''\n", "BEGIN", "string literal"),
    ("# %% [markdown]\n# text\n# ### BEGIN SOLUTION\n# answer\n", "BEGIN", "never closed"),
])
def test_marker_errors_point_at_the_lesson_line(tmp_path, body, needle, message):
    source = lesson_source(body)
    with pytest.raises(MarkerError) as info:
        read_lesson(write(tmp_path, source))
    assert message in info.value.message
    expected = line_of(source, needle)
    if message == "nested":  # the second BEGIN is the offending one
        expected += 1
    assert info.value.line == expected
    assert str(info.value).startswith(f"{tmp_path / '01_demo.py'}:{expected}: ")


def test_solution_tag_on_empty_cell_names_its_line(tmp_path):
    source = lesson_source("""
        # %%
        x = 1

        # %% tags=["solution"]

        # %%
        y = 2
    """)
    with pytest.raises(MarkerError) as info:
        read_lesson(write(tmp_path, source))
    assert "empty cell" in str(info.value)
    assert info.value.line == line_of(source, '"solution"') + 1


def test_discover_orders_by_name_and_rejects_duplicate_order(tmp_path):
    for name in ("02_b.py", "00_a.py", "10_c.py"):
        write(tmp_path, lesson_source("# %%\nx = 1\n"), name)
    assert [p.name for p in discover(tmp_path)] == ["00_a.py", "02_b.py", "10_c.py"]
    write(tmp_path, lesson_source("# %%\nx = 1\n"), "02_again.py")
    with pytest.raises(LessonFormatError, match="duplicate lesson order 02"):
        discover(tmp_path)


def test_bad_file_name_and_empty_content(tmp_path):
    with pytest.raises(CourseError, match="no lessons found"):
        load_lessons(tmp_path)
    write(tmp_path, lesson_source("# %%\nx = 1\n"), "Intro.py")
    with pytest.raises(LessonFormatError, match="NN_slug.py"):
        discover(tmp_path)


def test_parameters_cell_with_a_syntax_error(tmp_path):
    source = lesson_source("""
        # %% tags=["parameters"]
        epochs = 3
        lr = = 2
    """)
    with pytest.raises(LessonFormatError) as info:
        read_lesson(write(tmp_path, source))
    assert "parameters cell is not valid Python" in str(info.value)
    assert info.value.line == line_of(source, "lr = = 2")


def _bomb(levels: int = 9, width: int = 9, indent: str = "") -> str:
    """'Billion laughs': each level a list of ``width`` aliases of the level before."""
    lines = [f'{indent}l0: &l0 [{", ".join(["lol"] * width)}]']
    for level in range(1, levels):
        aliases = ", ".join([f"*l{level - 1}"] * width)
        lines.append(f"{indent}l{level}: &l{level} [{aliases}]")
    return "\n".join(lines)


def test_a_yaml_alias_bomb_in_a_header_is_refused_quickly_with_its_line(tmp_path):
    import time
    bomb = "\n".join("# " + line for line in _bomb(indent="    ").split("\n"))
    header = HEADER.replace("#     title: {title}", "#     title: T\n#     summary:\n"
                            "#       x: 1\n" + bomb)
    source = lesson_source("# %%\nx = 1\n", header=header)
    path = write(tmp_path, source)
    started = time.monotonic()
    with pytest.raises(LessonFormatError) as info:
        read_lesson(path)
    assert time.monotonic() - started < 5  # it took 12.6 s and 1.2 GB before (issue 23)
    assert "aliases here expand to more than" in str(info.value)
    # l4 is the first level past the bound: 1 + 9 * (1 + 9 * (…)) = 66,430 values
    assert info.value.line == line_of(source, "l4: &l4")


def test_a_self_referring_alias_and_a_modest_alias_in_a_header(tmp_path):
    header = HEADER.replace("#     title: {title}", "#     title: T\n#     summary: &s [*s]")
    path = write(tmp_path, lesson_source("# %%\nx = 1\n", header=header))
    with pytest.raises(LessonFormatError, match="refers to the value that contains it"):
        read_lesson(path)
    # an alias that shares one profile's targets with another is fine
    header = HEADER.replace("#     title: {title}", "#     title: T\n#     profiles:\n"
                            "#       smoke: &p {parameters: {epochs: 1}}\n#       full: *p")
    source = lesson_source('# %% tags=["parameters"]\nepochs = 3\n', header=header)
    assert read_lesson(write(tmp_path, source)).profiles["full"] == {"parameters": {"epochs": 1}}


def test_non_utf8_bytes_name_their_line(tmp_path):
    source = lesson_source("# %%\nx = 1\n# caf\xe9\n")
    path = tmp_path / "01_demo.py"
    path.write_bytes(source.encode("latin-1"))
    with pytest.raises(LessonFormatError) as info:
        read_lesson(path)
    assert "byte 0xe9 is not UTF-8" in str(info.value)
    assert info.value.line == line_of(source, "caf")


@pytest.mark.parametrize("metadata, message", [  # tags: jupytext checks them itself
    ('slideshow="slide"', "cell metadata 'slideshow' must be a dict, not 'slide'"),
])
def test_cell_metadata_of_the_wrong_type_names_the_cell(tmp_path, metadata, message):
    source = lesson_source(f"# %%\nx = 1\n\n# %% {metadata}\ny = 2\n")
    with pytest.raises(LessonFormatError) as info:
        read_lesson(write(tmp_path, source))
    assert message in str(info.value)
    assert info.value.line == line_of(source, metadata)


# issue 23: every exercise code cell parses as Python, whatever marker dialect made it
@pytest.mark.parametrize("body, header", [
    ("def circumference(r):\n    # BEGIN SOLUTION NO PROMPT\n    return 2 * 3.14 * r\n"
     "    # END SOLUTION\nprint(circumference(1))", "def circumference"),      # otter block
    ("def square(x):\n    return x * x  # SOLUTION NO PROMPT\nprint(square(2))",
     "def square"),                                                          # otter line
    ("if True:\n    ### BEGIN HIDDEN TESTS\n    assert 1 + 1 == 2\n    ### END HIDDEN TESTS\n"
     "print('checked')", "if True"),                                         # nbgrader
    ("for i in range(2):\n    # BEGIN PROMPT\n    # END PROMPT\n"
     "    print(i)  # SOLUTION NO PROMPT\nprint('done')", "for i"),          # otter prompt
    ("if True:\n### BEGIN SOLUTION\n    x = 1\n### END SOLUTION\nprint(x)",
     "if True"),                          # nbgrader block at column 0: the stub is too
])
def test_markers_that_leave_an_exercise_that_is_not_python_name_the_line(tmp_path, body,
                                                                          header):
    source = lesson_source(f"# %%\n{body}\n")
    with pytest.raises(MarkerError) as info:
        read_lesson(write(tmp_path, source))
    text = str(info.value)
    assert "exercise version of this cell is not valid Python" in text
    assert f"on line {line_of(source, header)}" in text  # the block left without a body
    assert info.value.line > line_of(source, header)


def test_every_dialect_that_hides_whole_statements_gives_python_exercises(tmp_path):
    import ast
    source = lesson_source('''
        # %%
        x = 1  # SOLUTION
        ### BEGIN SOLUTION
        y = 2
        ### END SOLUTION
        if x:  # SOLUTION NO PROMPT
            z = 3
        # BEGIN SOLUTION NO PROMPT
        w = 4
        # END SOLUTION
        # BEGIN PROMPT
        y = ...
        # END PROMPT
        ### BEGIN HIDDEN TESTS
        assert y == 2
        ### END HIDDEN TESTS
        %time print(x)

        # %% tags=["solution"]
        def f():
            return 1
    ''')
    lesson = read_lesson(write(tmp_path, source))
    for cell in lesson.cells:
        ast.parse(cell.split.exercise.replace("%time", "#"))
    assert "z = 3" not in lesson.cells[0].split.exercise


def test_a_yaml_alias_bomb_below_an_encoding_line_is_refused_too(tmp_path):
    bomb = "\n".join("# " + line for line in _bomb(indent="    ").split("\n"))
    header = HEADER.replace("#     title: {title}", "#     title: T\n" + bomb)
    source = "# -*- coding: utf-8 -*-\n" + lesson_source("# %%\nx = 1\n", header=header)
    with pytest.raises(LessonFormatError, match="aliases here expand") as info:
        read_lesson(write(tmp_path, source))
    assert info.value.line == line_of(source, "l4: &l4")
