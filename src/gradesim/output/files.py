"""Writing figures so that the same input gives the same bytes.

Matplotlib stamps SVG and PDF files with the date and gives SVG elements
random ids, so two runs of one scenario would differ byte for byte; a court
bundle and ``gradesim reproduce`` need them identical.  :func:`save_figure`
removes the dates and fixes the id salt; PNG files carry no date.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib as mpl

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: resolution of saved raster figures [dots per inch]: fine enough for print at 6.5 in width
PRINT_DPI = 200
FORMATS = ("png", "svg", "pdf")


def save_figure(fig: Figure, path: str | Path, fmt: str | None = None, dpi: int = PRINT_DPI) -> None:
    """Save ``fig`` deterministically: no creation date, fixed SVG ids.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    path : str or pathlib.Path
        Where to write (the format follows the suffix unless ``fmt`` is given).
    fmt : {"png", "svg", "pdf"}, optional
        The file format.
    dpi : int
        Resolution of raster output [dots per inch].

    Returns
    -------
    None

    Examples
    --------
    >>> import matplotlib.pyplot as plt, tempfile, pathlib
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [1, 0])
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> save_figure(fig, d / "a.svg"); save_figure(fig, d / "b.svg")
    >>> (d / "a.svg").read_bytes() == (d / "b.svg").read_bytes()
    True
    """
    fmt = (fmt or Path(path).suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ValueError(f"{path}: figure format {fmt!r} is not one of {', '.join(FORMATS)}")
    metadata = {"png": {}, "svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}}[fmt]
    with mpl.rc_context({"svg.hashsalt": "gradesim", "svg.fonttype": "path", "pdf.fonttype": 42}):
        fig.savefig(path, format=fmt, dpi=dpi, metadata=metadata)


def figure_svg(fig: Figure, close: bool = True) -> str:
    """The figure as an inline ``<svg>`` element for HTML, deterministic like :func:`save_figure`.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure (its size is its print size).
    close : bool
        Close the figure afterwards.

    Returns
    -------
    str
        ``<svg ...>...</svg>`` without the XML prolog or the metadata block.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(2, 1))
    >>> figure_svg(fig).startswith("<svg")
    True
    """
    import io
    import re

    buf = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": "gradesim", "svg.fonttype": "path"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    if close:
        import matplotlib.pyplot as plt

        plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    return re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
