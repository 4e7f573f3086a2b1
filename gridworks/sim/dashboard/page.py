"""The dashboard's HTML: the live page (its script and styles served beside it) and the same
charts inlined for `report.html` (script, styles and data in the file, nothing fetched)."""

from __future__ import annotations

import html

from gridworks.sim.dashboard import assets
from gridworks.sim.dashboard.records import ReportData

DATA_ELEMENT_ID = "dashboard-data"


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def live_page(title: str = "Millinocket simulation") -> str:
    """`GET /`: the dashboard, polling the JSON endpoints."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{_e(title)} (live)</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="static/vendor/uPlot.min.css">
<link rel="stylesheet" href="static/dashboard.css">
</head>
<body data-source="live">
<h1>{_e(title)} (live)</h1>
{assets.text("body.html")}
<script src="static/vendor/uPlot.iife.min.js"></script>
<script src="static/dashboard.js"></script>
</body>
</html>
"""


def json_for_script(document: str) -> str:
    """JSON text made safe inside a <script> element: no "<" (so no "</script>" or "<!--"),
    ">" or "&" as themselves, only their \\u escapes (JSON.parse reads them back)."""
    return document.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _inline_script(source: str) -> str:
    if "</script" in source.lower() or "<!--" in source:
        raise ValueError("a script to inline holds </script or <!--")
    return f"<script>\n{source}\n</script>"


def _inline_style(source: str) -> str:
    if "</style" in source.lower():
        raise ValueError("a style sheet to inline holds </style")
    return f"<style>\n{source}\n</style>"


def report_head() -> str:
    """The styles report.html inlines (uPlot's and the dashboard's)."""
    return "\n".join(
        _inline_style(assets.text(name)) for name in ("vendor/uPlot.min.css", "dashboard.css")
    )


def report_charts(data: ReportData) -> str:
    """The dashboard's markup, its data and its scripts, all inline (the end of report.html's
    body: the script finds `<body data-source="report">`)."""
    licence = assets.text("vendor/LICENSE").replace("--", "- -")
    document = json_for_script(data.model_dump_json())
    return "\n".join(
        [
            assets.text("body.html"),
            f'<script type="application/json" id="{DATA_ELEMENT_ID}">{document}</script>',
            f"<!-- uPlot {assets.UPLOT_VERSION}, inlined below:\n{licence}-->",
            _inline_script(assets.text("vendor/uPlot.iife.min.js")),
            _inline_script(assets.text("dashboard.js")),
        ]
    )
