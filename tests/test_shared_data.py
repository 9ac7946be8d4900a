"""The real-world corpus and Twilio's specs must be there: tests parametrized over them must not go empty."""

from tests.shared_data import CORPUS, OPENAPI


def test_the_corpus_and_specs_are_beside_the_repository() -> None:
    assert len(list((CORPUS / "flows").glob("*.json"))) >= 5
    assert len(list((CORPUS / "widgets").glob("*.json"))) >= 50
    assert len(list((CORPUS / "workflows").glob("*.json"))) >= 5
    assert len(list(OPENAPI.glob("twilio_*.json"))) == 5
