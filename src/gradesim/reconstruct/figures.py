"""Figures of a reconstruction: posterior speed bands along the road with the evidence, inputs prior vs posterior.

Examples
--------
>>> fig = speed_bands(rec)  # doctest: +SKIP
>>> fig.savefig("speed_bands.png")  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np

from gradesim.output.figures import stamp
from gradesim.reconstruct.posterior import Reconstruction, weighted_quantile

MI = 1609.344
MPH = 0.44704


def _band(speed: np.ndarray, w: np.ndarray, q) -> np.ndarray:
    """Weighted quantiles of speed per grid column (runs that got there)."""
    out = np.full((len(q), speed.shape[1]), np.nan)
    for c in range(speed.shape[1]):
        ok = np.isfinite(speed[:, c]) & (w > 0)
        if ok.sum() >= 2 and w[ok].sum() > 0:
            out[:, c] = weighted_quantile(speed[ok, c], w[ok], q)
    return out


def speed_bands(rec: Reconstruction):
    """Prior and posterior speed bands (5-95 %, median) along the road, with every speed item marked.

    Parameters
    ----------
    rec : Reconstruction
        The fitted reconstruction.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (stamped).

    Examples
    --------
    >>> speed_bands(rec).savefig("bands.png")  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4.0), layout="constrained")
    x = rec.grid / MI
    n = rec.speed.shape[0]
    for w, color, label in ((rec.prior_weights(), "0.6", "prior"), (rec.weights(), "C0", "posterior")):
        b = _band(rec.speed, w, [0.05, 0.5, 0.95]) / MPH
        ax.fill_between(x, b[0], b[2], color=color, alpha=0.35, lw=0, label=f"{label} 5-95 %")
        ax.plot(x, b[1], color=color, lw=1.5, label=f"{label} median")
    for ev in rec.evidence:
        if ev.quantity != "speed":
            continue
        lo, hi = ev.between if ev.between else (ev.at, ev.at)
        y = np.asarray(ev.params, dtype=float) / MPH
        ax.plot([lo / MI, hi / MI], [y[0], y[0]], color="C3", lw=2.5, marker="|")
        ax.annotate(ev.name, (lo / MI, y[0]), xytext=(0, 4), textcoords="offset points", fontsize=8, color="C3")
    packed = rec.scenario.to_kernel().ramps
    for i, r in enumerate(rec.scenario.model.road.ramps):
        pos = float(packed[i, 0]) / MI
        ax.axvline(pos, color="C2", ls="--", lw=1)
        ax.annotate(r.name or "ramp", (pos, ax.get_ylim()[0]), xytext=(3, 3), textcoords="offset points", fontsize=8)
    ax.set_xlabel("Distance along the road [mi]")
    ax.set_ylabel("Speed [mph]")
    ax.legend(fontsize=8, loc="upper left")
    stamp(fig, rec, extra=f"reconstruction of {n} runs, ESS {rec.ess:.0f}")
    return fig


_UNIT_TEXT = {"delta_degree_Fahrenheit": "degF, shift", " ** 2": "^2", " / ": "/"}


def _short(key: str) -> str:
    """A panel title: the last parts of a dotted key that name it, with its unit.

    ``truck.brakes.steer.stroke_at_rest [in]`` -> ``steer.stroke_at_rest [in]``,
    ``driver.actions.0.at [mi]`` -> ``action 0: at [mi]``, ``road.ramps.0.length [ft]`` -> ``ramp 0: length [ft]``.
    """
    name, _, unit = key.partition(" [")
    parts = name.split(".")
    if len(parts) >= 3 and parts[-2].isdigit():
        short = f"{parts[-3].rstrip('s')} {parts[-2]}: {parts[-1]}".replace("action", "action")
    else:
        short = ".".join(parts[-2:]) if len(parts) > 1 else name
    for a, b in _UNIT_TEXT.items():
        unit = unit.replace(a, b)
    return f"{short} [{unit}" if unit else short


def inputs_prior_posterior(rec: Reconstruction, moved_below: float = 0.9):
    """Histogram of each uncertain input the evidence moves, prior against posterior (weighted).

    An input is shown when its posterior 5-95 % width is below ``moved_below`` times the prior's
    (:meth:`Reconstruction.pinned`) or when it is one of the case's own priors; the others are
    named under the figure as "posterior as prior".

    Parameters
    ----------
    rec : Reconstruction
        The fitted reconstruction.
    moved_below : float
        Width ratio under which a model parameter gets a panel.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per input shown (stamped).

    Examples
    --------
    >>> inputs_prior_posterior(rec).savefig("inputs.png")  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    pinned = rec.pinned()
    own = set(rec.config.priors)
    inputs = {
        k: x
        for k, x in rec.inputs().items()
        if k.split(" [")[0] in own or k.startswith("road") or not pinned[k][2] >= moved_below
    }
    rest = [_short(k) for k in rec.inputs() if k not in inputs]
    k = max(len(inputs), 1)
    cols = 3
    rows = (k + cols - 1) // cols
    note = _wrap(f"posterior as prior (width ratio >= {moved_below:.1f}): " + ", ".join(rest)) if rest else ""
    note_h = 0.16 * (note.count("\n") + 1) + 0.1 if note else 0.0
    fig = plt.figure(figsize=(6.5, 1.55 * rows + note_h + 0.4), layout="constrained")
    gs = fig.add_gridspec(rows + 1, cols, height_ratios=[1.55] * rows + [max(note_h, 0.01)])
    axes = np.array([[fig.add_subplot(gs[r, c]) for c in range(cols)] for r in range(rows)])
    if note:
        ax_note = fig.add_subplot(gs[rows, :])
        ax_note.axis("off")
        ax_note.text(0.0, 1.0, note, fontsize=8, va="top", transform=ax_note.transAxes)
    w = rec.weights()
    wp = rec.prior_weights()  # the adaptive rounds drew from proposals: reweight them to the prior
    d = rec.prior.design
    choices = {(f"{f.key} [{f.unit}]" if f.unit else f.key): f for f in (d.factors if d else []) if not f.continuous}
    for ax, (key, x) in zip(axes.flat, inputs.items(), strict=False):
        bins = np.histogram_bin_edges(x, bins=20)
        ax.hist(x, bins=bins, weights=wp, density=True, color="0.7", label="prior")
        if w.sum() > 0:
            ax.hist(x, bins=bins, weights=w, density=True, histtype="step", color="C0", lw=1.5, label="posterior")
        f = choices.get(key)
        if f is not None:  # a choice: its index on the axis, its values as the tick labels
            ax.set_xticks(range(len(f.labels)), [str(v) for v in f.labels], fontsize=8)
        ax.set_title(_short(key), fontsize=8)
        ax.tick_params(labelsize=8)
        ax.set_yticks([])
    for ax in list(axes.flat)[len(inputs) :]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=8)
    stamp(fig, rec, extra=f"reconstruction of {len(w)} runs, ESS {rec.ess:.0f}")
    return fig


def _wrap(text: str, width: int = 110) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))
