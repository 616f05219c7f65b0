"""A chart per figure, drawn on the server as SVG (no script, no CDN; the CSP holds): one
line per municipality month by month, or one bar per municipality for a figure of today.
Lines are told apart by their dash pattern and marker as well as their colour, and the
table under each chart carries the same numbers for screen readers and for copying."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 40
# Designsystemet-like colours with at least 3:1 contrast to white, and a pattern each.
STYLES = [
    ("#1e5aa8", ""),
    ("#b0361c", "8 4"),
    ("#2a7a3b", "2 3"),
    ("#6b3fa0", "10 3 2 3"),
    ("#8a5a00", "4 4"),
    ("#0f6f74", "1 5"),
]


def style_of(index: int) -> tuple[str, str]:
    return STYLES[index % len(STYLES)]


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    step = 10 ** (len(str(int(value))) - 1)
    return float(((int(value) // step) + 1) * step)


def chart(
    *, title_id: str, labels: list[str], series: dict[str, list[float]], over_time: bool
) -> SafeString:
    """The SVG of one figure. ``title_id`` names the element that describes it (the
    figure's heading)."""
    top = _nice_max(max((v for values in series.values() for v in values), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return TOP + plot_h - plot_h * value / top

    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#595959" />',
            LEFT,
            TOP + plot_h,
            WIDTH - RIGHT,
            TOP + plot_h,
        ),
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#595959" />',
            LEFT,
            TOP,
            LEFT,
            TOP + plot_h,
        ),
        format_html(
            '<text x="{}" y="{}" text-anchor="end" font-size="12">{}</text>',
            LEFT - 6,
            TOP + 4,
            _number(top),
        ),
        format_html(
            '<text x="{}" y="{}" text-anchor="end" font-size="12">0</text>',
            LEFT - 6,
            TOP + plot_h + 4,
        ),
    ]
    if over_time:
        count = max(len(labels), 1)
        x = lambda index: LEFT + (plot_w * (index + 0.5) / count)  # noqa: E731
        every = max(1, count // 8)
        parts += [
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="12">{}</text>',
                round(x(i), 1),
                HEIGHT - BOTTOM + 18,
                label,
            )
            for i, label in enumerate(labels)
            if i % every == 0
        ]
        for index, (name, values) in enumerate(series.items()):
            colour, dash = style_of(index)
            points = " ".join(f"{round(x(i), 1)},{round(y(v), 1)}" for i, v in enumerate(values))
            parts.append(
                format_html(
                    '<polyline fill="none" stroke="{}" stroke-width="2.5" stroke-dasharray="{}"'
                    ' points="{}"><title>{}</title></polyline>',
                    colour,
                    dash or "none",
                    points,
                    name,
                )
            )
            parts += [
                _marker(
                    index,
                    round(x(i), 1),
                    round(y(v), 1),
                    colour,
                    f"{name} {labels[i]}: {_number(v)}",
                )
                for i, v in enumerate(values)
            ]
    else:
        count = max(len(series), 1)
        slot = plot_w / count
        for index, (name, values) in enumerate(series.items()):
            colour, _dash = style_of(index)
            value = values[0] if values else 0
            left = LEFT + slot * index + slot * 0.2
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{}: {}</title></rect>",
                    round(left, 1),
                    round(y(value), 1),
                    round(slot * 0.6, 1),
                    round(TOP + plot_h - y(value), 1),
                    colour,
                    name,
                    _number(value),
                )
            )
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" font-size="12">{}</text>',
                    round(left + slot * 0.3, 1),
                    HEIGHT - BOTTOM + 18,
                    name,
                )
            )
    body = mark_safe("".join(str(part) for part in parts))  # noqa: S308 (each part escaped)
    return format_html(
        '<svg class="figure-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}"'
        ' focusable="false">{}</svg>',
        WIDTH,
        HEIGHT,
        title_id,
        body,
    )


def _marker(index: int, x: float, y: float, colour: str, title: str) -> SafeString:
    if index % 2:
        return format_html(
            '<rect x="{}" y="{}" width="7" height="7" fill="{}"><title>{}</title></rect>',
            round(x - 3.5, 1),
            round(y - 3.5, 1),
            colour,
            title,
        )
    return format_html(
        '<circle cx="{}" cy="{}" r="4" fill="{}"><title>{}</title></circle>', x, y, colour, title
    )


def legend(series: dict[str, list[float]]) -> SafeString:
    """The key to the lines: each municipality with a sample of its line."""
    return format_html(
        '<ul class="figure-legend">{}</ul>',
        format_html_join(
            "",
            '<li><svg viewBox="0 0 32 8" width="32" height="8" aria-hidden="true"'
            ' focusable="false"><line x1="0" y1="4" x2="32" y2="4" stroke="{}"'
            ' stroke-width="3" stroke-dasharray="{}" /></svg> {}</li>',
            ((*style_of(i)[:1], style_of(i)[1] or "none", name) for i, name in enumerate(series)),
        ),
    )


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")
