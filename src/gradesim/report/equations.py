"""The simulator's equations rendered as math (inline SVG via matplotlib's mathtext), with a symbol table.

Each model of :data:`gradesim.references.MODELS` gets its equation typeset
from :data:`LATEX`; the plain-text form stays beside it (searchable, and what a
screen reader reads).  :data:`SYMBOLS` explains every symbol with its SI unit.
"""

from __future__ import annotations

import io
import re

#: model name -> equations in mathtext (a subset of LaTeX), one string per line
LATEX: dict[str, tuple[str, ...]] = {
    "Longitudinal motion": (
        r"m_{\mathrm{eff}}\,\frac{dv}{dt} = -m g \sin\theta - F_{\mathrm{roll}} - F_{\mathrm{aero}}"
        r" - F_{\mathrm{eng}} - F_{\mathrm{brake}} - F_{\mathrm{bed}},\quad \frac{ds}{dt} = v",
    ),
    "Rolling resistance": (r"F_{\mathrm{roll}} = (c_0 + c_2 v^2)\, m g \cos\theta",),
    "Aerodynamic drag": (
        r"F_{\mathrm{aero}} = \frac{1}{2}\rho(h)\, C_d A\, v^2,"
        r"\quad \rho = 1.225\,(1 - 2.25577\times10^{-5} h)^{4.2559}",
    ),
    "Arrester bed": (r"F_{\mathrm{bed}} = R\, m g \cos\theta,\quad L = \frac{V^2}{30\,(R + G)}",),
    "Brake chamber and stroke": (
        r"Q = A\,(p - p_{\mathrm{th}})^{+},\quad"
        r" s_c = s_{\mathrm{rest}} + k_s\, \alpha\, \frac{D}{2}\,(T - T_{\mathrm{ref}})",
        r"F = Q \ \ \mathrm{if}\ \ s_c + Q/k \leq s_{\max} - w,\quad \mathrm{else}\ \ F = k\,(s - s_c)",
    ),
    "Drum brake torque": (
        r"F_{\mathrm{tyre}} = \frac{F_{\mathrm{pushrod}}\, L_{\mathrm{sa}}\, TR\, \mu(T) / \mu_{\mathrm{ref}}}{r_w}"
        r" \leq \mu_{\mathrm{road}} N",
    ),
    "Brake temperature (two nodes per wheel end)": (
        r"C_d \frac{dT_d}{dt} = q P - G (T_d - T_h) - (h_0 + h_1 v^{0.8}) A (T_d - T_a)"
        r" - \varepsilon \sigma A (T_d^4 - T_a^4)",
        r"C_h \frac{dT_h}{dt} = (1 - q) P + G (T_d - T_h) - g_h (T_h - T_a)",
    ),
    "Air supply": (
        r"\Delta p_{\mathrm{res}} = -\frac{V_{\mathrm{ch}}}{V_{\mathrm{res}}} \Delta p_{\mathrm{app}},"
        r"\quad \frac{dp_{\mathrm{res}}}{dt} = c\, n_{\mathrm{eng}}\ \ \mathrm{(governor\ loading)}",
    ),
    "Engine brake": (
        r"P = P_{\max} \frac{\ell}{3} \left(\frac{n - n_{\min}}{n_{\mathrm{rated}} - n_{\min}}\right)^{k},"
        r"\quad F_{\mathrm{eng}} = \frac{P + P_{\mathrm{fric}}}{\eta\, v}",
    ),
    "Driver": (r"\mathrm{snub:}\ v_t \pm b;\quad p = K_p (v - v_t) + K_i \int (v - v_t)\, dt",),
    "Impact with stopped traffic": (r"\Delta v_{\mathrm{car}} = (1 + e) \frac{m_t}{m_t + m_c} v",),
    "Integrator": (r"y_{n+1} = y_n + h \sum_{i=1}^{7} b_i k_i,\quad \mathrm{err} = h \sum_i (b_i - \hat b_i) k_i",),
}

#: (symbol, meaning, SI unit) for the symbol table
SYMBOLS: tuple[tuple[str, str, str], ...] = (
    ("m, m_eff", "truck mass; mass with rotating parts reflected through the gear", "kg"),
    ("v, s, t", "speed, distance along the road, time", "m/s, m, s"),
    ("g", "standard gravity, 9.80665", "m/s²"),
    ("θ", "road angle (grade = tan θ)", "rad"),
    ("c0, c2", "rolling-resistance coefficients", "-, s²/m²"),
    ("ρ(h), h", "air density at elevation h (ICAO standard atmosphere)", "kg/m³, m"),
    ("Cd A", "drag area", "m²"),
    ("R, G, L, V", "arrester-bed rolling resistance, ramp grade (%/100), stopping length, entry speed", "-, -, m, m/s"),
    ("p, p_th, A, Q", "chamber pressure, push-out threshold, chamber area, chamber force", "Pa, Pa, m², N"),
    ("s, s_c, s_rest, s_max", "pushrod stroke, stroke to contact, free stroke, rated stroke", "m"),
    (
        "k_s, α, D, T_ref",
        "slack-adjuster ratio, drum expansion coefficient, drum diameter, adjustment temp.",
        "-, 1/K, m, K",
    ),
    ("k, w", "chamber stiffness, roll-off length", "N/m, m"),
    ("L_sa, TR, μ(T), μ_ref", "slack length, torque ratio, lining friction at T, reference friction", "m, -, -, -"),
    ("r_w, μ_road, N", "wheel rolling radius, tyre-road friction, axle-group normal load", "m, -, N"),
    ("T_d, T_h, T_a", "drum node, hub/shoe node and ambient temperatures", "K"),
    ("C_d, C_h, G, g_h", "heat capacities of the nodes, conductance between them, hub loss", "J/K, J/K, W/K, W/K"),
    ("q, P", "share of brake power into the drum node, brake power at the wheel end", "-, W"),
    ("h0, h1, A, ε, σ", "convection coefficients, drum area, emissivity, Stefan-Boltzmann constant", "W/m²/K, …"),
    ("V_ch, V_res, p_res", "chamber and reservoir volumes, reservoir pressure", "m³, m³, Pa"),
    ("P_max, ℓ, n, k", "engine-brake power, level 0-3, engine speed, exponent", "W, -, rpm, -"),
    ("η", "driveline efficiency", "-"),
    ("v_t, b, K_p, K_i", "target speed, snub band, controller gains", "m/s, m/s, Pa·s/m, Pa/m"),
    ("e, m_t, m_c", "coefficient of restitution, truck and struck-car masses", "-, kg, kg"),
    ("h, b_i, k_i", "step size, Dormand-Prince weights and stages", "s, -, -"),
)


def latex_svg(tex: str, fontsize: float = 10.0) -> str:
    """One equation typeset by matplotlib's mathtext as an inline ``<svg>`` element (glyphs as paths).

    Parameters
    ----------
    tex : str
        The equation in mathtext, without the ``$`` delimiters.
    fontsize : float
        Size of the math at print size. [pt]

    Returns
    -------
    str
        The ``<svg ...>...</svg>`` element, deterministic (fixed ids, no date).

    Examples
    --------
    >>> latex_svg(r"F = m a").startswith("<svg")
    True
    """
    import matplotlib as mpl
    from matplotlib.figure import Figure

    with mpl.rc_context({"svg.hashsalt": "gradesim", "svg.fonttype": "path", "mathtext.fontset": "dejavuserif"}):
        fig = Figure(figsize=(0.1, 0.1))
        fig.text(0, 0, f"${tex}$", fontsize=fontsize)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", bbox_inches="tight", pad_inches=0.02, transparent=True, metadata={"Date": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    return svg


def equation_rows() -> list[dict[str, object]]:
    """Every model with its equations as SVG, its plain-text form, where it is implemented and its sources.

    Returns
    -------
    list of dict
        Keys ``name``, ``svgs`` (list of str), ``text``, ``note``, ``implemented_in``, ``refs``.

    Examples
    --------
    >>> rows = equation_rows()
    >>> rows[0]["name"], len(rows[0]["svgs"])
    ('Longitudinal motion', 1)
    """
    from gradesim.references import MODELS

    rows = []
    for m in MODELS:
        tex = LATEX.get(m.name, ())
        rows.append(
            {
                "name": m.name,
                "svgs": [latex_svg(t) for t in tex],
                "text": m.equation,
                "note": m.note,
                "implemented_in": m.implemented_in,
                "refs": m.refs,
            }
        )
    return rows
