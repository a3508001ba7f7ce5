"""The installed gradesim version (``0.0.0+src`` when run from a source tree without metadata)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("gradesim")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0+src"
