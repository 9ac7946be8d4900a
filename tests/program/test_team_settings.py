"""A team's own contact center: stack settings that do not lean on the reference flows' modules."""

from __future__ import annotations

import sys

import pytest

from components.settings import StackSettingsError, parse_stack_settings, read_stack_file
from tests.program.support import ROOT

DEV = read_stack_file(ROOT, "dev").model_dump(by_alias=True, mode="json")


def test_languages_the_catalog_lacks_name_the_catalog_and_the_fix() -> None:
    with pytest.raises(StackSettingsError, match=r'languages is \["en", "de"\]: de is not a language the flows speak '
                                                 r"\(flows/catalog\.py has en, es, fr\): add it there, or remove it "
                                                 r"here"):
        parse_stack_settings({**DEV, "languages": ["en", "de"]}, "dev")


def test_a_project_without_the_reference_catalog_takes_any_language_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "flows.catalog", None)  # a team that removed the reference flows' catalog
    assert parse_stack_settings({**DEV, "languages": ["de", "pt-BR"]}, "dev").languages == ("de", "pt-BR")
    with pytest.raises(StackSettingsError, match=r'languages is \["Deutsch"\]: Deutsch is not a language code'):
        parse_stack_settings({**DEV, "languages": ["Deutsch"]}, "dev")
