"""Every marker dialect an author may type (nbgrader, otter-grader), and the near misses
that must fail instead of leaking."""

import textwrap

import pytest

from coursekit.errors import MarkerError
from coursekit.source.markers import split_cell

STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


def src(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


@pytest.mark.parametrize("begin, end", [
    ("### BEGIN SOLUTION", "### END SOLUTION"),
    ("# BEGIN SOLUTION", "# END SOLUTION"),          # otter's spelling
    ("## BEGIN SOLUTION", "## END SOLUTION"),
    ("###BEGIN SOLUTION", "###END SOLUTION"),
    ("#   BEGIN SOLUTION", "#END SOLUTION"),
    ("# ---- BEGIN SOLUTION ----", "# ---- END SOLUTION ----"),  # nbgrader: contains
])
def test_every_nbgrader_block_spelling_is_stripped(begin, end):
    cell = split_cell(f"x = 1\n{begin}\ny = secret_answer(x)\n{end}\nprint(y)", "code")
    assert cell.exercise == f"x = 1\n{STUB}\nprint(y)"
    assert cell.solution == "x = 1\ny = secret_answer(x)\nprint(y)"


def test_markdown_block_is_any_line_containing_the_words():
    cell = split_cell("Why?\nBEGIN SOLUTION\nBecause.\n**END SOLUTION**", "markdown")
    assert cell.exercise == "Why?\nYOUR ANSWER HERE"
    assert cell.solution == "Why?\nBecause."


def test_empty_block_becomes_the_stub_as_in_nbgrader():
    cell = split_cell("def f():\n    ### BEGIN SOLUTION\n    ### END SOLUTION", "code")
    assert cell.exercise == "def f():\n    " + STUB.replace("\n", "\n    ")
    assert cell.solution == "def f():"
    assert cell.has_stub


def test_hidden_tests_reach_only_the_solution():
    cell = split_cell(src("""
        assert f(1) == 2
        ### BEGIN HIDDEN TESTS
        assert f(10) == 20, "hidden"
        ### END HIDDEN TESTS
        print("checked")
    """), "code")
    assert cell.exercise == 'assert f(1) == 2\nprint("checked")'
    assert cell.solution == 'assert f(1) == 2\nassert f(10) == 20, "hidden"\nprint("checked")'
    assert (2, 'assert f(10) == 20, "hidden"') in cell.secrets


def test_otter_block_without_prompt_leaves_nothing():
    cell = split_cell(src("""
        def circumference(r):
            # BEGIN SOLUTION NO PROMPT
            return 2 * 3.14159 * r
            # END SOLUTION
        print(circumference(1))
    """), "code")
    assert cell.exercise == "def circumference(r):\nprint(circumference(1))"
    assert cell.solution == ("def circumference(r):\n    return 2 * 3.14159 * r\n"
                             "print(circumference(1))")


def test_otter_line_without_prompt_vanishes_from_the_exercise():
    cell = split_cell("def square(x):\n    y = x * x  # SOLUTION NO PROMPT\n"
                      "    return y  # SOLUTION", "code")
    assert cell.exercise == "def square(x):\n    ...  # YOUR CODE HERE"
    assert cell.solution == "def square(x):\n    y = x * x\n    return y"
    assert [text for _, text in cell.secrets] == ["y = x * x", "return y"]


def test_otter_prompt_shows_in_the_exercise_only():
    # otter's idiom: the prompt sits in a string so that the solution still runs
    cell = split_cell(src('''
        def circumference(r):
            # BEGIN SOLUTION NO PROMPT
            return 2 * 3.14159 * r
            # END SOLUTION
            """ # BEGIN PROMPT
            # Next, define a circumference function.
            pass
            """; # END PROMPT
    '''), "code")
    assert cell.exercise == ("def circumference(r):\n    # Next, define a circumference "
                             "function.\n    pass")
    assert cell.solution == "def circumference(r):\n    return 2 * 3.14159 * r"


def test_plain_prompt_block():
    cell = split_cell("# BEGIN PROMPT\nanswer = None  # replace None\n# END PROMPT\n"
                      "### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION", "code")
    assert cell.exercise == f"answer = None  # replace None\n{STUB}"
    assert cell.solution == "answer = 42"


@pytest.mark.parametrize("line, form", [
    ("### begin solution", "### BEGIN SOLUTION"),
    ("### Begin Solution", "### BEGIN SOLUTION"),
    ("### BEGIN  SOLUTION", "### BEGIN SOLUTION"),
    ("### BEGINSOLUTION", "### BEGIN SOLUTION"),
    ("### BEGIN SOLUTON", "### BEGIN SOLUTION"),
    ("### BEGIN SOLUTIONS", "### BEGIN SOLUTION"),
    ("### end solution", "### END SOLUTION"),
    ("### END SOLUTIONS", "### END SOLUTION"),
    ("# begin solution no prompt", "# BEGIN SOLUTION NO PROMPT"),
    ("### BEGIN HIDDEN TEST", "### BEGIN HIDDEN TESTS"),
    ("### end hidden tests", "### END HIDDEN TESTS"),
    ("# Begin Prompt", "# BEGIN PROMPT"),
    ("### BEGIN ALTERNATIVES", "### BEGIN ALTERNATIVE"),
    ("### begin mistake: sums", "### BEGIN MISTAKE"),
    ("### END MISTAKES", "### END MISTAKE"),
    ("# Solution", "# SOLUTION"),
    ("# SOLUTIONS", "# SOLUTION"),
])
def test_near_miss_comment_line_names_the_line_and_form(line, form):
    with pytest.raises(MarkerError) as info:
        split_cell(f"x = 1\n{line}\ny = 2", "code")
    assert info.value.line == 1
    assert "looks like a solution marker" in info.value.message
    assert form in info.value.hint


@pytest.mark.parametrize("line", [
    "x = compute(1)  # solution",
    "x = compute(1)  # Solution",
    "x = compute(1)  # SOLUTON",
    "x = compute(1)  # SOLUTIONS",
    "x = compute(1)  # solution no prompt",
])
def test_near_miss_line_marker(line):
    with pytest.raises(MarkerError) as info:
        split_cell(f"import math\n{line}", "code")
    assert info.value.line == 1
    assert "# SOLUTION" in info.value.hint


@pytest.mark.parametrize("line", ["### begin solution", "BEGIN SOLUTIONS", "End Hidden Tests"])
def test_near_miss_in_markdown(line):
    with pytest.raises(MarkerError) as info:
        split_cell(f"Question?\n{line}\nanswer", "markdown")
    assert info.value.line == 1


@pytest.mark.parametrize("source", [
    "image_size = 32  # resolution",
    "# the solution below uses numpy\nx = 1",
    "# a comment mentioning SOLUTION in passing",
    "# end of the data loading\nx = 1",
    "backend = 'jax'  # see the solutions page for more",
    "print('begin solution')",  # a string that is no marker phrase (lower case)
])
def test_ordinary_comments_are_no_markers(source):
    cell = split_cell(source, "code")
    assert cell.exercise == cell.solution == source


def test_markdown_heading_solution_is_prose():
    assert split_cell("## Solution\nWe sum.", "markdown").exercise == "## Solution\nWe sum."


@pytest.mark.parametrize("source, message, line", [
    ("### BEGIN HIDDEN TESTS\nassert 1", "never closed", 0),
    ("### BEGIN HIDDEN TESTS\n### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS", "nested", 1),
    ("assert 1\n### END HIDDEN TESTS", "without a matching", 1),
    ("# BEGIN PROMPT\npass", "never closed", 0),
    ("### BEGIN SOLUTION\n### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS\n### END SOLUTION",
     "inside", 1),
    ("# SOLUTION NO PROMPT", "needs code", 0),
])
def test_malformed_dialect_blocks(source, message, line):
    with pytest.raises(MarkerError) as info:
        split_cell(source, "code")
    assert message in info.value.message
    assert info.value.line == line


def test_tagged_cell_with_only_other_markers_is_an_error():
    with pytest.raises(MarkerError, match="cannot hold other markers"):
        split_cell("x = 1\n### BEGIN HIDDEN TESTS\nassert x\n### END HIDDEN TESTS", "code",
                   solution_tag=True)


def test_line_maps_point_back_to_the_cell():
    source = src('''
        import math
        def area(r):
            ### BEGIN SOLUTION
            return math.pi * r ** 2
            ### END SOLUTION
        x = area(2)  # SOLUTION
        # BEGIN PROMPT
        y = None  # fill in
        # END PROMPT
        ### BEGIN HIDDEN TESTS
        assert area(0) == 0
        ### END HIDDEN TESTS
    ''')
    cell = split_cell(source, "code")
    assert cell.exercise_lines == [0, 1, 2, 2, 5, 7]
    assert cell.solution_lines == [0, 1, 3, 5, 10]
    for version, origins in ((cell.exercise, cell.exercise_lines),
                             (cell.solution, cell.solution_lines)):
        assert len(version.split("\n")) == len(origins)
    whole = split_cell("a = 1\nb = 2", "code", solution_tag=True)
    assert (whole.exercise_lines, whole.solution_lines) == ([0, 0], [0, 1])


def test_a_marker_without_its_hash_is_refused():
    with pytest.raises(MarkerError) as info:
        split_cell("x = 1\nBEGIN SOLUTION\ny = 2\nEND SOLUTION", "code")
    assert info.value.line == 1 and "not in a comment" in info.value.message


# issue 23: otter's '# SOLUTION NO PROMPT' on a line that opens a block removed the header
# and kept its body, an IndentationError that showed the answer to students
@pytest.mark.parametrize("block, kept", [
    ("for i in range(3):  # SOLUTION NO PROMPT\n    total += i\n\n    total *= 2",
     ""),
    ("if total > 1:  # SOLUTION NO PROMPT\n    total = 1\nelse:  # SOLUTION NO PROMPT\n"
     "    total = 0", ""),
    ("while total < 10:  # SOLUTION NO PROMPT\n    total += 1", ""),
    ("with open('f') as f:  # SOLUTION NO PROMPT\n    total = len(f.read())", ""),
    ("def helper(x):  # SOLUTION NO PROMPT\n    return x + 1", ""),
    ("class Helper:  # SOLUTION NO PROMPT\n    value = 1\n\n    def get(self):\n"
     "        return self.value", ""),
    ("try:\n    total = 1 / total\nexcept ZeroDivisionError:  # SOLUTION NO PROMPT\n"
     "    total = 0", "try:\n    total = 1 / total"),
])
def test_no_prompt_on_a_block_header_hides_the_whole_block(block, kept):
    cell = split_cell(f"total = 0\n{block}\n\nprint(total)", "code")
    shown = "\n".join(x for x in ["total = 0", kept] if x) + "\n\nprint(total)"
    assert cell.exercise == shown
    answer = block.replace("  # SOLUTION NO PROMPT", "")
    assert cell.solution == f"total = 0\n{answer}\n\nprint(total)"
    hidden = [line.strip() for line in block.split("\n") if line.strip()
              and line not in kept.split("\n")]
    assert [text for _, text in cell.secrets] == [h.replace("  # SOLUTION NO PROMPT", "")
                                                  for h in hidden]


def test_no_prompt_header_keeps_the_line_map_and_shares_blank_lines():
    cell = split_cell("a = 1\nif a:  # SOLUTION NO PROMPT\n    b = 2\n\n    c = 3\n\nd = 4",
                      "code")
    assert cell.exercise == "a = 1\n\nd = 4"
    assert cell.exercise_lines == [0, 5, 6]
    assert cell.solution_lines == list(range(7))


@pytest.mark.parametrize("source, message, line", [
    ("for i in range(3):  # SOLUTION\n    print(i)", "not a block header", 0),
    ("if x:  # SOLUTION NO PROMPT\n    ### BEGIN SOLUTION\n    y = 1\n    ### END SOLUTION",
     "inside a block hidden by '# SOLUTION NO PROMPT' (cell line 1)", 1),
])
def test_other_markers_on_or_in_a_block_header_name_the_line(source, message, line):
    with pytest.raises(MarkerError, match=message.replace("(", r"\(").replace(")", r"\)")) \
            as info:
        split_cell(source, "code")
    assert info.value.line == line
