"""coursekit: one lesson source in, every course artifact out, all of it verified."""

__version__ = "0.1.0"
