"""Template filters for the patient pages."""

from django import template

from education import languages

register = template.Library()


@register.filter
def language_in_sentence(code: str) -> str:
    """`{{ "en"|language_in_sentence }}`: a language's name in the page's language, as written inside a
    sentence ('English' on an English page, 'anglais' on a French one)."""
    return languages.name_in_current_language(code)


@register.filter
def urgent_care_advice_in(clinic, language: str) -> str:
    """`{{ clinic|urgent_care_advice_in:version.language }}`: the clinic's urgent-care advice for a leaflet in
    that language (see Clinic.urgent_care_advice_in)."""
    return clinic.urgent_care_advice_in(language) if clinic else ""
