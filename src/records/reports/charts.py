"""Charts drawn on the server as SVG (no script in the page): bars with labels."""
from markupsafe import escape


def bar_chart(title, labels, series, width=640, height=240):
    """``series`` is a list of (name, values, colour); bars side by side per label."""
    top, bottom, left = 30, 40, 40
    peak = max([v for _n, values, _c in series for v in values] + [1])
    slot = (width - left - 10) / max(len(labels), 1)
    bar = slot / (len(series) + 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="{escape(title)}">',
             f'<text x="{left}" y="18" font-size="13">{escape(title)}</text>']
    scale = (height - top - bottom) / peak
    for i, label in enumerate(labels):
        x0 = left + i * slot
        for j, (name, values, colour) in enumerate(series):
            h = values[i] * scale
            x = x0 + j * bar + bar / 2
            parts.append(f'<rect x="{x:.1f}" y="{height - bottom - h:.1f}" width="{bar:.1f}" '
                         f'height="{h:.1f}" fill="{colour}"><title>{escape(name)}: '
                         f'{values[i]}</title></rect>')
        parts.append(f'<text x="{x0 + slot / 2:.1f}" y="{height - bottom + 14}" font-size="10" '
                     f'text-anchor="middle">{escape(label)}</text>')
    for j, (name, _values, colour) in enumerate(series):
        parts.append(f'<rect x="{left + j * 120}" y="{height - 16}" width="10" height="10" '
                     f'fill="{colour}"/><text x="{left + j * 120 + 14}" y="{height - 7}" '
                     f'font-size="10">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
