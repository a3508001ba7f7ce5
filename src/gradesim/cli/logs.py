"""Verbosity of the ``gradesim`` command line: ``-v`` (repeatable) and ``-q``, and the loggers they set.

Examples
--------
>>> import logging
>>> configure_logging(verbose=1) == logging.INFO
True
"""

from __future__ import annotations

import argparse
import sys


def add_verbosity(parser: argparse.ArgumentParser, default: object) -> None:
    """Add ``-v`` (repeatable) and ``-q`` to ``parser``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The parser (the top-level one or a subcommand's).
    default : object
        Their default (``argparse.SUPPRESS`` so a subcommand's parser does not overwrite the top level's).

    Returns
    -------
    None

    Examples
    --------
    >>> p = argparse.ArgumentParser()
    >>> add_verbosity(p, 0)
    >>> p.parse_args(["-vv"]).verbose
    2
    """
    g = parser.add_mutually_exclusive_group()
    g.add_argument(
        "-v", "--verbose", action="count", default=default, help="say what is done and how long it takes (-vv: debug)"
    )
    g.add_argument(
        "-q", "--quiet", action="store_true", default=default, help="errors and the simulator's warnings only"
    )


def _stderr_handler_class():
    """A logging handler that writes to whatever ``sys.stderr`` is when a message comes (tests swap it)."""
    import logging

    class StderrHandler(logging.StreamHandler):
        @property
        def stream(self):
            return sys.stderr

        @stream.setter
        def stream(self, value):
            pass

    return StderrHandler


def configure_logging(verbose: int = 0, quiet: bool = False) -> int:
    """Set the level of the ``gradesim`` loggers from ``-v``/``-q``; messages go to stderr, one line each.

    Parameters
    ----------
    verbose : int
        How many ``-v``: 0 warnings, 1 progress (INFO), 2 or more DEBUG.
    quiet : bool
        ``-q``: errors only; progress bars off. The simulator's warnings are still shown (nothing it decides
        is silent).

    Returns
    -------
    int
        The level set (``logging.ERROR`` .. ``logging.DEBUG``).

    Examples
    --------
    >>> import logging
    >>> configure_logging(verbose=1) == logging.INFO
    True
    >>> configure_logging() == logging.WARNING
    True
    """
    import logging

    if quiet:
        level = logging.ERROR
    else:
        level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    log = logging.getLogger("gradesim")
    if not any(getattr(h, "_gradesim_cli", False) for h in log.handlers):
        handler = _stderr_handler_class()()
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        handler._gradesim_cli = True  # type: ignore[attr-defined]
        log.addHandler(handler)
        log.propagate = False
    log.setLevel(level)
    return level
