"""Every report table as CSV or XLSX: one function, columns named once per table."""
import csv
import io

import openpyxl
from pyramid.response import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return "" if value is None else value


def table_response(rows, columns, fmt, filename):
    """``columns`` is a list of (key, header); ``fmt`` is ``csv`` or ``xlsx``."""
    headers = [h for _k, h in columns]
    values = [[_cell(row.get(k)) for k, _h in columns] for row in rows]
    if fmt == "xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(headers)
        for line in values:
            sheet.append(line)
        out = io.BytesIO()
        book.save(out)
        body, content_type = out.getvalue(), XLSX
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(headers)
        writer.writerows(values)
        # NB: a BOM so that Excel opens the Vietnamese text as UTF-8.
        body, content_type = ("\ufeff" + out.getvalue()).encode("utf-8"), "text/csv"
    response = Response(body=body, content_type=content_type)
    if content_type == "text/csv":
        response.charset = "utf-8"
    response.content_disposition = f'attachment; filename="{filename}.{fmt}"'
    return response


def codes_listing(request, codes, export_route, caption):
    """The dossiers behind a figure: the list page's values (``held_up_list.jinja2``), or
    the codes as CSV/XLSX when the request asks for a ``format``."""
    fmt = request.params.get("format")
    if fmt:
        return table_response([{"code": c} for c in codes], [("code", "code")],
                              fmt if fmt in ("csv", "xlsx") else "csv", "dossiers")
    return {"codes": codes, "params": request.params, "export_route": export_route,
            "caption": caption}
