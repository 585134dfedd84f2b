"""Languages: Vietnamese by default, English switchable (cookie ``_LOCALE_``)."""
from pyramid.i18n import TranslationStringFactory

_ = TranslationStringFactory("records")
LANGUAGES = ("vi", "en")


def locale_negotiator(request):
    for value in (request.params.get("_LOCALE_"), request.cookies.get("_LOCALE_")):
        if value in LANGUAGES:
            return value
    return request.registry.settings.get("pyramid.default_locale_name", "vi")


def includeme(config):
    config.add_settings({"pyramid.default_locale_name": "vi"})
    config.set_locale_negotiator(locale_negotiator)
    config.add_translation_dirs("records:locale/")
