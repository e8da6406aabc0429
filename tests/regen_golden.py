"""Rewrite every golden file, by hand only: `python tests/regen_golden.py`, then review
the diff (`git diff tests/golden tests/fixtures/site/golden`).

The golden tests never create a missing file; this script is the only writer.
"""

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
sys.path[:0] = [str(TESTS.parent), str(TESTS)]

from golden_files import every_golden  # noqa: E402


def main() -> None:
    for path, text in every_golden().items():
        path.parent.mkdir(exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_bytes(text.encode("utf-8"))
            print(f"wrote {path.relative_to(TESTS.parent)}")


if __name__ == "__main__":
    main()
