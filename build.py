#!/usr/bin/env python3
"""Build the course: `python build.py --help` lists the steps."""

import sys
from pathlib import Path

from coursekit.cli import main

if __name__ == "__main__":
    # this repository's entry point: the course is the folder build.py is in
    sys.exit(main(prog="build.py", root=Path(__file__).resolve().parent))
