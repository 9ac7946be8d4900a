"""Where the shared reference data lives: `shared/` beside the repository (as in CI)."""

from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"
OPENAPI = SHARED / "twilio-oai"
