"""The languages this contact center's flows can offer, and the words they say in each."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    """A language callers can choose, its IVR digit and the words the flows say in it."""

    code: str
    name: str
    digit: str
    voice_language: str
    choose: str
    """The menu line that offers this language."""
    skill: str
    """The worker skill of the agents who speak it."""


LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        Language("en", "English", "1", "en-US", "For English, press 1.", "english"),
        Language("es", "Spanish", "2", "es-MX", "Para español, oprima 2.", "spanish"),
        Language("fr", "French", "3", "fr-FR", "Pour le français, appuyez sur 3.", "french"),
    )
}
"""Every language the flows can offer; a stack's ``languages`` picks among them, in menu order."""
