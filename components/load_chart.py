"""Training-load chart: daily load bars, acute/chronic EWMA lines, ACWR, Banister form."""
from datetime import date

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.reco import load as loadcalc


def load_figure(day_loads: pd.Series, show_from: date | None = None, height: int = 520) -> go.Figure:
    """Top: daily load (AU) with acute 7-day and chronic 28-day EWMA; then ACWR; then Banister form.

    Everything is computed over all of `day_loads` (one row a day); only the days from `show_from` on
    are drawn, so the lines start warmed up rather than from zero.
    """
    table = loadcalc.ewma_acwr(day_loads)
    ban = loadcalc.banister(day_loads)
    if show_from is not None:
        table, ban = table[table.index >= pd.Timestamp(show_from)], ban[ban.index >= pd.Timestamp(show_from)]
    # three panels: form on the ratio's panel (a second axis) crossed its dotted 1.5 line and read as a spike
    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.06, row_heights=[0.5, 0.25, 0.25])
    fig.add_bar(x=table.index, y=table["load"], name="Daily load (AU)", marker_color="#9db4d6", row=1, col=1)
    fig.add_scatter(x=table.index, y=table["acute"], name="Acute, 7-day EWMA (AU/day)", line=dict(color="#d1495b"),
                    row=1, col=1)
    fig.add_scatter(x=table.index, y=table["chronic"], name="Chronic, 28-day EWMA (AU/day)",
                    line=dict(color="#2e4057"), row=1, col=1)
    fig.add_scatter(x=table.index, y=table["acwr"], name="ACWR (ratio)", line=dict(color="#edae49"), row=2, col=1)
    fig.add_hrect(y0=0.8, y1=1.3, fillcolor="#66a182", opacity=0.15, line_width=0, row=2, col=1)
    fig.add_hline(y=1.5, line_dash="dot", line_color="#d1495b", row=2, col=1)
    fig.add_scatter(x=ban.index, y=ban["form"], name="Banister form (AU)", line=dict(color="#8d6a9f"), row=3, col=1)
    fig.add_hline(y=0, line_color="#999999", line_width=1, row=3, col=1)
    fig.update_yaxes(title_text="Load (AU)", row=1, col=1)
    top = float(table["acwr"].max()) if table["acwr"].notna().any() else 0.0
    fig.update_yaxes(title_text="ACWR", row=2, col=1, range=[0, max(1.7, 1.1 * top)])  # the 1.5 line always inside
    fig.update_yaxes(title_text="Form (AU)", row=3, col=1)
    fig.update_xaxes(title_text="Date", row=3, col=1)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), legend=dict(orientation="h", y=-0.2))
    return fig
