"""PDF of the report, printed by headless Chromium from the same HTML.

The report's print stylesheet puts the scenario hash in every page's header
and "page n of m" in its footer (CSS page-margin boxes, which Chromium prints);
this module only drives the browser.  Chromium runs with no network, no
profile of the user's (a fresh temporary one) and no browser header or footer
of its own.  Without Chromium, :class:`ChromiumMissing` says how to install it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

#: names of the Chromium executable tried in order (``GRADESIM_CHROMIUM`` overrides)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: flags that keep a headless Chromium off the network and out of the user's profile
HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-quic",
)
INSTALL_HINT = "install it (Debian/Ubuntu: apt-get install chromium) or set GRADESIM_CHROMIUM to its path"


class ChromiumMissing(RuntimeError):
    """No Chromium to print with; the message says how to install one."""


def find_chromium() -> str | None:
    """Path of a Chromium (or Chrome) executable, or None.

    Returns
    -------
    str or None
        ``$GRADESIM_CHROMIUM`` if set, else the first of :data:`CHROMIUM_NAMES`
        on the ``PATH``.
    """
    env = os.environ.get("GRADESIM_CHROMIUM")
    if env:
        return env if Path(env).exists() or shutil.which(env) else None
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def html_to_pdf(html_path: str | Path, pdf_path: str | Path, timeout_s: float = 120.0) -> Path:
    """Print an HTML file to PDF with headless Chromium.

    Parameters
    ----------
    html_path : str or pathlib.Path
        The (self-contained) HTML file.
    pdf_path : str or pathlib.Path
        The PDF to write.
    timeout_s : float
        Give up after this long. [s]

    Returns
    -------
    pathlib.Path
        ``pdf_path``.

    Raises
    ------
    ChromiumMissing
        No Chromium is installed.
    RuntimeError
        Chromium failed or wrote no PDF (its last error line is quoted).

    Examples
    --------
    >>> html_to_pdf("out/report.html", "out/report.pdf")  # doctest: +SKIP
    """
    exe = find_chromium()
    if exe is None:
        raise ChromiumMissing(f"--pdf needs headless Chromium: {INSTALL_HINT}")
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path).resolve()
    with tempfile.TemporaryDirectory(prefix="gradesim-chromium-") as profile:
        cmd = [
            exe,
            *HEADLESS_FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf_path}",
            html_path.as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"Chromium did not finish printing {html_path.name} in {timeout_s:g} s") from None
    if proc.returncode != 0 or not pdf_path.exists() or pdf_path.stat().st_size == 0:
        errors = [ln for ln in proc.stderr.splitlines() if "ERROR" in ln and "dbus" not in ln]
        raise RuntimeError(f"Chromium could not print {html_path.name}: {errors[-1] if errors else proc.returncode}")
    return pdf_path
