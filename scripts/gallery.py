"""Regenerate the scenario gallery: scenarios/README.md and its figures in scenarios/gallery/.

Usage: ``python scripts/gallery.py`` from the repository root (about a minute).  Every shipped scenario is
run; a lesson pair (the second file ``extends`` the first) is drawn on one figure with gs.compare.  The
paragraph under each figure is the scenario's own description and the outcome the run gave, so the gallery
cannot disagree with the files.
"""

from __future__ import annotations

import io
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import gradesim as gs

ROOT = Path(__file__).resolve().parents[1]
SCEN = ROOT / "scenarios"
OUT = SCEN / "gallery"
DPI = 72
SINGLE = [
    "instructor_6pct_5mi",
    "instructor_6pct_5mi_ramp",
    "missed_ramp_lumber_truck",
    "corridor_6pct_6mi",
    "i70_eastbound_2019",
]
PAIRS = [
    ("gear_right", "gear_one_too_high", "Same gear down as up"),
    ("snub_braking", "riding_the_brakes", "Snub braking vs riding the brakes"),
    ("fanning_the_brakes", "snubbing_keeps_air", "Fanning the brakes drains the air"),
    ("ramp_early", "ramp_late", "Take the escape ramp early"),
    ("trailer_brakes_adjusted", "three_trailer_brakes_out", "Three trailer brakes out of adjustment"),
]


def _para(text: str) -> str:
    return " ".join(text.split())


def _outcome(res: gs.Result) -> str:
    o = res.outcome
    mi, mph = o.position_m / 1609.344, o.speed_mps * 2.2369363
    hot = (o.max_brake_temp_K - 273.15) * 1.8 + 32
    return f"{o.kind.replace('_', ' ')} at {mi:.2f} mi, {mph:.0f} mph; hottest drum {hot:.0f} °F"


def _save(fig, name: str) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    (OUT / f"{name}.png").write_bytes(buf.getvalue())
    matplotlib.pyplot.close(fig)
    return f"gallery/{name}.png"


def _simulate(sc: gs.Scenario) -> gs.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gs.simulate(sc)


def single(name: str) -> str:
    sc = gs.Scenario.from_toml(SCEN / f"{name}.toml")
    res = _simulate(sc)
    img = _save(res.plot(units="us"), name)
    return (
        f"### {sc.name}\n\n`scenarios/{name}.toml`\n\n![{sc.name}]({img})\n\n"
        f"{_para(sc.data.get('description', ''))}\n\n**Outcome:** {_outcome(res)}.\n"
    )


def _changes(path: Path) -> dict:
    """The dotted keys a lesson's second file sets over the first (its own keys but extends/name/description)."""
    import tomllib

    def flat(d: dict, prefix: str = "") -> dict:
        out = {}
        for k, v in d.items():
            if isinstance(v, dict):
                out.update(flat(v, f"{prefix}{k}."))
            else:
                out[f"{prefix}{k}"] = v
        return out

    tree = tomllib.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in flat(tree).items() if k not in ("extends", "name", "description")}


def pair(a: str, b: str, title: str) -> str:
    sa = gs.Scenario.from_toml(SCEN / "lessons" / f"{a}.toml")
    ra = _simulate(sa)
    label_a = sa.name.split("(", 1)[-1].rstrip(")")
    try:
        sb = gs.Scenario.from_toml(SCEN / "lessons" / f"{b}.toml")
        rb = _simulate(sb)
    except gs.ScenarioError as exc:  # a lesson that needs a model this build does not have
        img = _save(ra.plot(units="us"), a)
        return (
            f"### Lesson: {title}\n\n`scenarios/lessons/{a}.toml`, `scenarios/lessons/{b}.toml`\n\n"
            f"![{title}]({img})\n\n{_para(sa.data.get('description', ''))}\n\n"
            f"**{label_a}:** {_outcome(ra)}. **{b}.toml** does not run in this build: {exc.message}\n"
        )
    label_b = sb.name.split("(", 1)[-1].rstrip(")")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cmp = gs.compare(sa, {label_b: _changes(SCEN / "lessons" / f"{b}.toml")})
    fig = cmp.plot(units="us", title=f"Lesson: {title}")
    for ax in fig.axes:  # the legend names the first lesson of the pair, not gs.compare's "base"
        for text in ax.get_legend().get_texts() if ax.get_legend() else []:
            if text.get_text().startswith("base"):
                text.set_text(label_a + text.get_text()[4:])
    img = _save(fig, a)
    return (
        f"### Lesson: {title}\n\n`scenarios/lessons/{a}.toml` vs `scenarios/lessons/{b}.toml`\n\n"
        f"![{title}]({img})\n\n{_para(sa.data.get('description', ''))}\n\n"
        f"**{label_a}:** {_outcome(ra)}. **{label_b}:** {_outcome(rb)}.\n"
    )


def main() -> int:
    OUT.mkdir(exist_ok=True)
    parts = [
        "# Scenario gallery\n",
        "Every scenario shipped with gradesim, its figure (speed and brake-drum temperature along the road, US "
        "units) and what it teaches. Regenerate with `python scripts/gallery.py`; the text under each figure is "
        "the scenario's own description and the outcome of the run. The lessons in `lessons/` come in pairs: "
        "the second file `extends` the first and changes one thing. For a classroom without Python, "
        "`gradesim lesson SCENARIO --out lesson.html` writes an offline page with sliders and "
        "`gradesim animate SCENARIO --out descent.gif` an animation.\n",
        "## Lessons for drivers\n",
    ]
    parts += [pair(a, b, t) for a, b, t in PAIRS]
    parts.append("## Demonstrations and reconstructions\n")
    parts += [single(n) for n in SINGLE]
    (SCEN / "README.md").write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {SCEN / 'README.md'} and {len(list(OUT.glob('*.png')))} figures in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
