"""The ``gradesim`` command line: one module per family of subcommands.

:mod:`~gradesim.cli.app` holds the parser, the subcommand registry and the
error handling (exit code 2 with one line for bad input).
"""

from gradesim.cli.app import EXIT_BAD_INPUT, UserError, main, subcommand, write_atomically

__all__ = ["EXIT_BAD_INPUT", "UserError", "main", "subcommand", "write_atomically"]
