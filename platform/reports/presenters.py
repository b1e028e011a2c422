"""The report as people read it: figures written out, charts drawn on the server as inline SVG
(no script, no library), and the exports: a CSV file per table, the knowledge network as a CSV
edge list and as GraphML.

The SVG follows ``core.charts``: presentation attributes and classes only (the Content Security
Policy refuses ``style``), one image per chart (``role="img"``) named by its ``<title>`` and
described by its ``<desc>``; the table beside each chart holds every number it shows.
"""

import csv
import hashlib
import io
from xml.etree import ElementTree

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.lists import join_list
from reports.formats import UNITS, show
from reports.selectors import Column, Report, Table

MAX_BARS = 15
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --- Charts ---------------------------------------------------------------------------------------


def chart(table: Table) -> SafeString:
    if not table.rows:
        return mark_safe("")
    if table.chart == "bars":
        return bar_chart(table)
    if table.chart == "series":
        return series_chart(table)
    if table.chart == "network":
        return network_chart(table)
    return mark_safe("")


def _chart_id(table: Table) -> str:
    digest = hashlib.sha256(repr((table.key, table.rows)).encode()).hexdigest()[:8]
    return f"chart-{table.key}-{digest}"


def bar_chart(table: Table) -> SafeString:
    """Horizontal bars of the table's first figure, largest first (at most ``MAX_BARS``)."""
    column = table.chart_column()
    bars = [bar for bar in table.bars() if bar[1]][:MAX_BARS]
    if not bars:
        return mark_safe("")
    label_width, bar_width, row_height = 190, 300, 22
    width, height = label_width + bar_width + 70, row_height * len(bars) + 8
    rows = []
    for index, (label, value, share) in enumerate(bars):
        y = 4 + index * row_height
        rows.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" fill="currentColor">{}</text>'
                '<rect class="report-bar" x="{}" y="{}" width="{}" height="14" rx="2"/>'
                '<text x="{}" y="{}" fill="currentColor">{}</text>',
                label_width - 6,
                y + 12,
                _shorten(label),
                label_width,
                y + 1,
                f"{max(bar_width * share / 100, 1):.1f}",
                f"{label_width + max(bar_width * share / 100, 1) + 4:.1f}",
                y + 12,
                show(value, column.kind),
            )
        )
    description = "; ".join(f"{label}: {show(value, column.kind)}" for label, value, _s in bars)
    return _svg(table, width, height, f"{table.title} ({column.label})", description, rows)


def series_chart(table: Table) -> SafeString:
    """A line per figure over the range's buckets, with the range's first and last bucket and
    the highest value written on the axes."""
    columns = list(table.value_columns)
    width, height, left, bottom, top = 560, 180, 44, 24, 10
    inner_width, inner_height = width - left - 10, height - bottom - top
    highest = max((row.get(c.key) or 0 for row in table.rows for c in columns), default=0) or 1
    count = len(table.rows)
    step = inner_width / (count - 1) if count > 1 else 0
    parts = [
        format_html(
            '<line class="report-axis" x1="{l}" y1="{b}" x2="{r}" y2="{b}" stroke="currentColor" '
            'stroke-width="0.5"/><text x="{tx}" y="{ty}" text-anchor="end" fill="currentColor">'
            "{top_value}</text>",
            l=left,
            b=top + inner_height,
            r=left + inner_width,
            tx=left - 4,
            ty=top + 8,
            top_value=show(highest, "count"),
        )
    ]
    for index, column in enumerate(columns):
        points = []
        for position, row in enumerate(table.rows):
            x = left + step * position if count > 1 else left + inner_width / 2
            y = top + inner_height * (1 - (row.get(column.key) or 0) / highest)
            points.append(f"{x:.1f},{y:.1f}")
        parts.append(
            format_html(
                '<polyline class="report-line report-line-{}" points="{}" fill="none" '
                'stroke="currentColor" stroke-width="2" stroke-linejoin="round"/>',
                index,
                " ".join(points),
            )
        )
        if count == 1:
            x, y = points[0].split(",")
            parts.append(
                format_html(
                    '<circle class="report-line-{}" cx="{}" cy="{}" r="3" fill="currentColor"/>',
                    index,
                    x,
                    y,
                )
            )
    first, last = table.rows[0]["period"], table.rows[-1]["period"]
    parts.append(
        format_html(
            '<text x="{}" y="{}" fill="currentColor">{}</text>'
            '<text x="{}" y="{}" text-anchor="end" fill="currentColor">{}</text>',
            left,
            height - 6,
            show(first, "date"),
            left + inner_width,
            height - 6,
            show(last, "date"),
        )
    )
    totals = join_list(
        f"{column.label}: {show(sum(row.get(column.key) or 0 for row in table.rows), 'count')}"
        for column in columns
    )
    description = _("From %(first)s to %(last)s, in all: %(totals)s.") % {
        "first": show(first, "date"),
        "last": show(last, "date"),
        "totals": totals,
    }
    return _svg(table, width, height, table.title, description, parts)


def network_chart(table: Table) -> SafeString:
    """Canadian city-regions on the left, Chinese ones on the right, a line for each pair whose
    width grows with its engagements."""
    left_totals: dict[str, int] = {}
    right_totals: dict[str, int] = {}
    for row in table.rows:
        left_totals[row["name"]] = left_totals.get(row["name"], 0) + row["engagements"]
        right_totals[row["china"]] = right_totals.get(row["china"], 0) + row["engagements"]
    left = sorted(left_totals, key=lambda name: (-left_totals[name], name))[:MAX_BARS]
    right = sorted(right_totals, key=lambda name: (-right_totals[name], name))[:MAX_BARS]
    row_height, width, left_x, right_x = 26, 560, 170, 390
    height = row_height * max(len(left), len(right)) + 16

    def y_of(names: list[str], name: str) -> float:
        offset = (height - row_height * len(names)) / 2
        return offset + row_height * names.index(name) + row_height / 2

    heaviest = max(row["engagements"] for row in table.rows) or 1
    parts = []
    for row in table.rows:
        if row["name"] not in left or row["china"] not in right:
            continue
        parts.append(
            format_html(
                '<line class="report-edge" x1="{}" y1="{}" x2="{}" y2="{}" '
                'stroke="currentColor" stroke-width="{}" stroke-opacity="0.55"/>',
                left_x,
                f"{y_of(left, row['name']):.1f}",
                right_x,
                f"{y_of(right, row['china']):.1f}",
                f"{1 + 7 * row['engagements'] / heaviest:.1f}",
            )
        )
    for names, x, anchor, dx in ((left, left_x, "end", -8), (right, right_x, "start", 8)):
        for name in names:
            y = y_of(names, name)
            parts.append(
                format_html(
                    '<circle class="report-node" cx="{}" cy="{}" r="5" fill="currentColor"/>'
                    '<text x="{}" y="{}" text-anchor="{}" fill="currentColor">{}</text>',
                    x,
                    f"{y:.1f}",
                    x + dx,
                    f"{y + 4:.1f}",
                    anchor,
                    _shorten(name, 24),
                )
            )
    description = "; ".join(
        _("%(canada)s to %(china)s: %(count)s")
        % {
            "canada": row["name"],
            "china": row["china"],
            "count": row["engagements"],
        }
        for row in table.rows[:MAX_BARS]
    )
    return _svg(table, width, height, table.title, description, parts)


def _svg(table: Table, width, height, title, description, parts) -> SafeString:
    chart_id = _chart_id(table)
    return format_html(
        '<svg class="report-chart report-chart-{kind}" xmlns="http://www.w3.org/2000/svg" '
        'width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" focusable="false" font-size="12">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        kind=table.chart,
        w=width,
        h=height,
        id=chart_id,
        title=title,
        desc=description,
        body=format_html_join("", "{}", ((part,) for part in parts)),
    )


def _shorten(text: str, length: int = 28) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


# --- Exports --------------------------------------------------------------------------------------


def _safe(value):
    """A text cell a spreadsheet would run as a formula starts with an apostrophe instead."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _header(column: Column) -> str:
    unit = UNITS.get(column.kind)
    return f"{column.label} ({unit})" if unit else column.label


def table_csv(table: Table) -> str:
    """The table's rows with their stable key first and raw numbers (durations in seconds)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    measures = [column.key for column in table.columns] == ["measure", "value"]
    header = ["key", *(_header(column) for column in table.columns)]
    writer.writerow([*header, _("Unit")] if measures else header)
    for row in table.rows:
        values = [_safe(row.get("key", ""))]
        values += [_csv_value(row.get(column.key)) for column in table.columns]
        if measures:
            values.append(UNITS.get(row.get("kind", ""), ""))
        writer.writerow(values)
    return out.getvalue()


def _csv_value(value):
    if value is None:
        return ""
    return _safe(value) if isinstance(value, str) else value


def network_csv(report: Report) -> str:
    """The knowledge network as an edge list: source (Canada), target (China), weights."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        ["source", "source_name", "target", "target_name", "engagements", "experts", "smes"]
    )
    for row in report.table("network-edges").rows:
        writer.writerow(
            [
                row["canada_key"],
                _safe(row["name"]),
                row["china_key"],
                _safe(row["china"]),
                row["engagements"],
                row["experts"],
                row["smes"],
            ]
        )
    return out.getvalue()


GRAPHML = "http://graphml.graphdrawing.org/xmlns"


def network_graphml(report: Report) -> bytes:
    """The knowledge network as GraphML (a bipartite, undirected graph): nodes are city-regions
    with their name and side ("canada" or "china"); edges carry engagements, experts and SMEs."""
    ElementTree.register_namespace("", GRAPHML)
    root = ElementTree.Element(f"{{{GRAPHML}}}graphml")
    keys = [
        ("name", "node", "string"),
        ("side", "node", "string"),
        ("engagements", "edge", "int"),
        ("experts", "edge", "int"),
        ("smes", "edge", "int"),
    ]
    for name, target, kind in keys:
        ElementTree.SubElement(
            root,
            f"{{{GRAPHML}}}key",
            {"id": name, "for": target, "attr.name": name, "attr.type": kind},
        )
    period = report.period
    sector = report.sector.slug if report.sector else "all"
    graph = ElementTree.SubElement(
        root,
        f"{{{GRAPHML}}}graph",
        {"id": f"knowbridge-{period.start}-{period.end}-{sector}", "edgedefault": "undirected"},
    )
    rows = report.table("network-edges").rows
    nodes: dict[str, tuple[str, str]] = {}
    for row in rows:
        nodes.setdefault(f"canada:{row['canada_key']}", (row["name"], "canada"))
        nodes.setdefault(f"china:{row['china_key']}", (row["china"], "china"))
    for node_id, (name, side) in nodes.items():
        node = ElementTree.SubElement(graph, f"{{{GRAPHML}}}node", {"id": node_id})
        _data(node, "name", name)
        _data(node, "side", side)
    for index, row in enumerate(rows):
        edge = ElementTree.SubElement(
            graph,
            f"{{{GRAPHML}}}edge",
            {
                "id": f"e{index}",
                "source": f"canada:{row['canada_key']}",
                "target": f"china:{row['china_key']}",
            },
        )
        for name in ("engagements", "experts", "smes"):
            _data(edge, name, str(row[name]))
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def _data(parent, key: str, text: str) -> None:
    ElementTree.SubElement(parent, f"{{{GRAPHML}}}data", {"key": key}).text = text
