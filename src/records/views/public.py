"""What the public pages (records.views.citizen, records.views.verify) share: their
headers, on every answer, and how they render."""
from pyramid.renderers import render_to_response

NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


def answer_with(request, headers):
    """Every answer to this request carries ``headers``: the view's own, and the page or
    JSON that records.views.errors makes of what the view raises."""
    request.add_response_callback(lambda request, response: response.headers.update(headers))


def answering_with(headers):
    """A view decorator: every answer of the view carries ``headers`` (:func:`answer_with`)."""
    def decorate(view):
        def decorated(context, request):
            answer_with(request, headers)
            return view(context, request)
        return decorated
    return decorate


#: The public pages: no answer is cached or indexed.
public = answering_with(NO_STORE)


def render(request, template, status=200, **values):
    """The public page ``citizen/<template>`` with ``values`` (``error``: None unless given)."""
    values.setdefault("error", None)
    response = render_to_response(f"citizen/{template}", values, request=request)
    response.status = status
    return response


def unit_name(units, identifier):
    unit = units.get(identifier) if identifier else None
    return unit.name if unit is not None else None
