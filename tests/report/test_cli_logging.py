"""Global -v/-q of the gradesim command line, and the subcommand plugins it loads."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest

from gradesim.cli import main
from gradesim.cli.app import _SUBCOMMANDS, PLUGINS, _load_plugins, configure_logging

DEMO = "scenarios/instructor_6pct_5mi.toml"


@pytest.fixture(autouse=True)
def _reset_level():
    yield
    configure_logging()


@pytest.mark.parametrize("argv", [["-v", "check", DEMO], ["check", DEMO, "--verbose"]])
def test_verbose_before_or_after_the_subcommand_says_what_was_done(argv, capsys):
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert f"gradesim.cli: gradesim {' '.join(argv)}" in err
    assert "gradesim.cli: check done in" in err and "(exit 0)" in err


@pytest.mark.parametrize("argv", [["check", DEMO], ["-q", "check", DEMO], ["check", DEMO, "-q"]])
def test_default_and_quiet_print_no_progress_lines(argv, capsys):
    assert main(argv) == 0
    assert "gradesim.cli" not in capsys.readouterr().err
    assert logging.getLogger("gradesim").level == (logging.ERROR if "-q" in argv else logging.WARNING)


def test_levels_and_conflict(capsys):
    assert configure_logging(2) == logging.DEBUG == logging.getLogger("gradesim").getEffectiveLevel()
    assert configure_logging(0, quiet=True) == logging.ERROR
    with pytest.raises(SystemExit) as exc:
        main(["-v", "-q", "check", DEMO])
    assert exc.value.code == 2 and "not allowed with" in capsys.readouterr().err


def test_corridor_subcommands_come_from_the_plugin_list_not_from_sweep():
    _load_plugins()
    assert "corridor" in PLUGINS and {"corridor", "site-ramp"} <= set(_SUBCOMMANDS)
    code = "import sys, gradesim.cli.sweep; print('gradesim.cli.corridor' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
