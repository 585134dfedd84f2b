"""Languages: Vietnamese by default, English switchable (cookie ``_LOCALE_``).

Messages shown to people (errors, refusals, reading failures) are raised or stored as
:class:`TranslationString` s with a ``mapping``: ``_("the file ${name} is empty",
mapping={"name": name})``. Where they are shown:

* pages translate them into the request's language: :func:`translate` in views, the
  ``tr`` filter in templates (``{{ message|tr }}``; plain strings pass through unchanged);
* the JSON API, logs and ``str(exception)`` keep the English text: :func:`english`. The API
  is a stable contract for clients, so its error texts stay English whatever the language.

Errors shown to people are :class:`records.errors.UserError` s: ``str(e)`` is the English
sentence, ``e.message`` the translation string.
"""
from jinja2 import pass_context
from pyramid.i18n import TranslationString, TranslationStringFactory

_ = TranslationStringFactory("records")
LANGUAGES = ("vi", "en")


def locale_negotiator(request):
    for value in (request.params.get("_LOCALE_"), request.cookies.get("_LOCALE_")):
        if value in LANGUAGES:
            return value
    return request.registry.settings.get("pyramid.default_locale_name", "vi")


def _with_mapping(message, mapping):
    return TranslationString(message, domain=message.domain, default=message.default,
                             mapping=mapping, context=message.context)


def english(message):
    """The English text of ``message``: a translation string filled from its mapping (whose
    values may be translation strings too); anything else unchanged."""
    if not isinstance(message, TranslationString):
        return message
    if message.mapping:
        message = _with_mapping(message, {k: english(v) for k, v in message.mapping.items()})
    return str(message.interpolate())


def translate(request, message):
    """``message`` in the request's language (nested translation strings in the mapping are
    translated too); plain strings and None are returned unchanged."""
    if not isinstance(message, TranslationString):
        return message
    if message.mapping:
        message = _with_mapping(message, {k: translate(request, v)
                                          for k, v in message.mapping.items()})
    return request.localizer.translate(message)


def joined(messages, separator="; "):
    """One message made of several (each translated on its own); a single one unchanged."""
    messages = list(messages)
    if len(messages) == 1:
        return messages[0]
    names = [f"m{i}" for i in range(len(messages))]
    return TranslationString(separator.join("${%s}" % n for n in names), domain="records",
                             mapping=dict(zip(names, messages)))


@pass_context
def tr_filter(context, message):
    """Template filter: ``{{ message|tr }}`` in the page's language."""
    request = context.get("request")
    return translate(request, message) if request is not None else english(message)


def includeme(config):
    config.add_settings({"pyramid.default_locale_name": "vi"})
    config.set_locale_negotiator(locale_negotiator)
    config.add_translation_dirs("records:locale/")
