"""How verified runs draw their figures: legible on a slide, and measured as they are drawn.

A deck shows a lesson's figures as the verified run drew them, so the run draws them for
the back of a room: matplotlib's base font is FONT_PT (its default, 10 pt, gives ~10 px
tick labels, too small once a figure is scaled to a slide). Each PNG figure also carries
what the deck's fit check needs to know how large its text ends up on the screen: the
figure's dpi and its smallest text in points (explicit ``fontsize=`` included), in the
output's metadata (``{"image/png": {"coursekit": {"dpi": …, "smallest_text_pt": …}}}``).
Text on a slide is then ``pt × dpi / 72 × shown width / natural width`` pixels.
"""

from __future__ import annotations

FONT_PT = 14  # with dpi 100, 19 px at natural size; 18 px still at 93 %
FACTS_KEY = "coursekit"  # under the output metadata's "image/png"

# Run once in each kernel before the notebook (run/kernel.py). The inline backend reads
# its rc when matplotlib is first used, so nothing is imported here; IPython's
# print_figure is what the inline backend's PNG formatter calls, and a formatter may
# return (data, metadata).
SETUP = f"""\
def __ck_figures():
    from IPython.core import pylabtools
    get_ipython().config.InlineBackend.rc = {{"font.size": {FONT_PT}}}
    draw = pylabtools.print_figure
    def print_figure(fig, fmt="png", *args, **kwargs):
        data = draw(fig, fmt, *args, **kwargs)
        if fmt != "png" or not data:
            return data
        from matplotlib.text import Text
        sizes = [text.get_fontsize() for text in fig.findobj(Text)
                 if text.get_visible() and text.get_text().strip()]
        return data, {{"{FACTS_KEY}": {{"dpi": float(fig.dpi),
                                 "smallest_text_pt": min(sizes) if sizes else None}}}}
    pylabtools.print_figure = print_figure
__ck_figures()
del __ck_figures"""


def figure_facts(output: dict) -> dict:
    """The facts a run recorded for a PNG output (empty for outputs of older runs)."""
    facts = output.get("metadata", {}).get("image/png", {}).get(FACTS_KEY, {})
    return facts if isinstance(facts, dict) else {}
