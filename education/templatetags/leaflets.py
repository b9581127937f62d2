"""Template filters for the patient pages."""

from django import template

from education import languages

register = template.Library()


@register.filter
def language_in_sentence(code: str) -> str:
    """`{{ "en"|language_in_sentence }}`: a language's name in the page's language, as written inside a
    sentence ('English' on an English page, 'anglais' on a French one)."""
    return languages.name_in_current_language(code)
