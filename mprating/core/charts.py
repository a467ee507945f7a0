"""Options of the back office's bar charts (unfold's Chart.js component).

Unfold's chart options replace its defaults wholesale, so a chart that passes any option states
its axes in full; every chart here counts things (orders, arrivals, packages sold), so the y
axis has integer ticks — never «0,5 заявки»."""

import json

MUTED = "#6b7280"
GRID = "#e5e7eb"


def bar_chart_options(*, legend: bool = False) -> str:
    """JSON for `{% component "unfold/components/chart/bar.html" … options=… %}`; `legend`
    for charts of more than one series (shown at the top right)."""
    legend_options = (
        {
            "display": True,
            "align": "end",
            "position": "top",
            "labels": {"boxWidth": 10, "boxHeight": 10, "color": MUTED},
        }
        if legend
        else {"display": False}
    )
    return json.dumps(
        {
            "animation": False,
            "responsive": True,
            "maintainAspectRatio": False,
            "maxBarThickness": 22,
            "datasets": {"bar": {"borderRadius": 4}},
            "plugins": {"legend": legend_options, "tooltip": {"enabled": True}},
            "scales": {
                "x": {"grid": {"display": False}, "ticks": {"color": MUTED}},
                "y": {
                    "beginAtZero": True,
                    "grid": {"color": GRID},
                    "ticks": {"precision": 0, "maxTicksLimit": 6, "color": MUTED},
                },
            },
        }
    )
