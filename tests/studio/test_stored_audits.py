"""What every real flow kept whole by an audit (tests/studio/audit6/, audit7/: one file each, the text as read, and
provenance.json naming the repository, path and commit) must do, whichever audit stored it.

A flow Studio accepted has no error, imports to Python that prints it again exactly (API and ``flexctl import``),
draws (SVG too) and runs from every trigger event it handles. Each audit's own verdicts (its warnings, its refused
flows, its broken copies) stay in ``test_validate_audit<N>.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from flexctl.cli import main
from studio import validate_definition
from studio.importer import import_definition
from tests.studio.flow_samples import (
    assert_draws_and_runs,
    audit_accepted,
    audit_flows,
    run_generated,
)
from tests.studio.flow_samples import audit_provenance as provenance

HERE = Path(__file__).parent
AUDITS = ("audit6", "audit7")
FLOWS = {audit: audit_flows(audit) for audit in AUDITS}
STORED = [(audit, flow_id) for audit in AUDITS for flow_id in sorted(provenance(audit))]
ACCEPTED = [(audit, flow_id) for audit in AUDITS for flow_id in audit_accepted(audit)]


def stored_flow(audit: str, flow_id: str) -> dict[str, Any]:
    return FLOWS[audit][flow_id]


@pytest.mark.parametrize("audit", AUDITS)
def test_every_stored_flow_has_its_provenance_and_every_provenance_its_flow(audit: str) -> None:
    stored = {path.stem for path in (HERE / audit).glob("*.json")} - {"provenance"}
    assert stored == set(provenance(audit))


@pytest.mark.parametrize(("audit", "flow_id"), STORED)
def test_each_flow_names_where_it_was_read(audit: str, flow_id: str) -> None:
    source = provenance(audit)[flow_id]
    assert source["repository"].count("/") == 1
    assert source["path"]
    assert len(source["commit"]) == 40
    assert source["verdict"] in ("accepted", "rejected")
    assert source["provenance"].endswith(".")


@pytest.mark.parametrize(("audit", "flow_id"), ACCEPTED)
def test_a_flow_studio_accepts_has_no_error(audit: str, flow_id: str) -> None:
    assert [str(p) for p in validate_definition(stored_flow(audit, flow_id)) if p.severity == "error"] == []


@pytest.mark.parametrize(("audit", "flow_id"), ACCEPTED)
def test_a_flow_imports_and_prints_itself_again(audit: str, flow_id: str) -> None:
    definition = stored_flow(audit, flow_id)
    assert json.loads(run_generated(import_definition(definition))) == definition


@pytest.mark.parametrize(("audit", "flow_id"), ACCEPTED)
def test_flexctl_import_writes_a_module_that_rebuilds_the_flow(
    audit: str, flow_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(HERE / audit / f"{flow_id}.json")]) == 0
    assert json.loads(run_generated(capsys.readouterr().out)) == stored_flow(audit, flow_id)


@pytest.mark.parametrize(("audit", "flow_id"), ACCEPTED)
def test_a_flow_draws_and_runs_from_every_trigger_event_it_handles(audit: str, flow_id: str) -> None:
    assert_draws_and_runs(stored_flow(audit, flow_id))


@pytest.mark.parametrize(("audit", "flow_id"), ACCEPTED)
def test_flexctl_diagram_draws_it_as_svg(audit: str, flow_id: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagram", str(HERE / audit / f"{flow_id}.json"), "--format", "svg"]) == 0
    assert "<svg" in capsys.readouterr().out


@pytest.mark.parametrize(("audit", "flow_id"), ACCEPTED)
def test_flexctl_simulate_ends_or_stops_without_failing_from_every_trigger_event(
    audit: str, flow_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # 0: the run ended; 1: it ended on an error path or Studio would stop it (a gather looping on a silent caller)
    trigger = next(state for state in stored_flow(audit, flow_id)["states"] if state["type"] == "trigger")
    for transition in trigger["transitions"]:
        if transition.get("next"):
            code = main(["simulate", str(HERE / audit / f"{flow_id}.json"), "--event", transition["event"]])
            assert code in (0, 1), capsys.readouterr().err
            assert "ending:" in capsys.readouterr().out
