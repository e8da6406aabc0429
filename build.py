#!/usr/bin/env python3
"""Build the course: `python build.py --help` lists the steps."""

import sys

from coursekit.cli import main

if __name__ == "__main__":
    sys.exit(main())
