"""`flexctl pr-summary`: the semantic change of every stack between a git ref and the working tree, as a value.

Golden summaries live in ``tests/program/golden_reviews/``; after an intended change of the renderers, rewrite
them with ``UPDATE_GOLDEN=1 pytest tests/program/test_pr_summary.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from flexctl.cli import main
from flexctl.review import MARKER, Plan, Thresholds, compare
from flexctl.review_commands import review

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).with_name("golden_reviews")
COPIED = ("components", "flows", "studio", "taskrouter", "Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository holding this project's flows, components and stacks, committed once."""
    root = tmp_path_factory.mktemp("repo")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, root / name)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "base")
    return root


@pytest.fixture
def tree(repo: Path) -> Iterator[Path]:
    yield repo
    git(repo, "checkout", "-q", "--", ".")  # each test starts from the committed base


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path}: {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def golden(name: str, plan: Plan) -> None:
    text, path = plan.to_markdown(), GOLDEN / f"{name}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_no_change_says_so(tree: Path) -> None:
    plan = review("HEAD", tree)

    assert plan.is_empty
    assert "No changes." in plan.to_text()
    golden("no-change", plan)


def test_a_changed_prompt_is_one_widget_property_in_every_stack(tree: Path) -> None:
    edit(tree / "flows" / "voice.py", "Manage your account any time at", "Visit")

    plan = review("HEAD", tree)

    for stack in plan.stacks:
        (flow,) = stack.flows
        assert (flow.name, [w.name for w in flow.diff.changed]) == ("voice", ["send_self_service_link"])
        assert [c.path for c in flow.diff.changed[0].changes] == ["/properties/body"]
        assert (flow.diff.added, flow.diff.removed, flow.diff.edges_added, flow.diff.edges_removed) == ((),) * 4
    assert plan.unsafe() == []
    golden("flow-change", plan)


def test_a_routing_change_names_the_queue_and_its_expression(tree: Path) -> None:
    edit(tree / "flows" / "routing.py", "target_workers=\"routing.skills HAS 'vip'\"",
         "target_workers=\"routing.skills HAS 'vip' AND routing.level > 2\"")

    plan = review("HEAD", tree)

    dev = next(stack for stack in plan.stacks if stack.stack == "dev")
    assert [(c.kind, c.name, [v.path for v in c.changes]) for c in dev.objects] == [
        ("queue", "VIP", ["/target_workers"])]
    assert dev.flows == ()
    golden("routing-change", plan)


def test_a_new_language_is_config_one_added_branch_a_queue_and_a_filter(tree: Path) -> None:
    edit(tree / "Pulumi.dev.yaml", "languages: [en, es]", "languages: [en, es, fr]")

    plan = review("HEAD", tree)

    dev = next(stack for stack in plan.stacks if stack.stack == "dev")
    assert [(c.path, c.new) for c in dev.config] == [("/languages/2", "fr")]
    assert {(c.kind, c.name, c.status) for c in dev.objects} >= {("queue", "French", "added")}
    workflow = next(c for c in dev.objects if c.kind == "workflow")
    assert "/task_routing/filters/Language fr" in [c.path for c in workflow.changes]
    voice = next(flow for flow in dev.flows if flow.name == "voice")
    # Transitions are matched by event and condition: "press 3" is added edges, no other branch moves.
    assert voice.diff.edges_removed == ()
    assert voice.diff.edges_added
    assert [stack.stack for stack in plan.changed()] == ["dev"]
    golden("config-change", plan)


def test_a_summary_over_the_comment_limit_becomes_a_digest(tree: Path) -> None:
    edit(tree / "Pulumi.dev.yaml", "languages: [en, es]", "languages: [en, es, fr]")
    plan = review("HEAD", tree)

    full, digest = plan.to_markdown(), plan.to_markdown(limit=3000)

    assert len(full) > 3000 >= len(digest)
    assert "digest" in digest
    assert "```mermaid" in full
    assert "```mermaid" not in digest
    if os.environ.get("UPDATE_GOLDEN"):
        (GOLDEN / "over-the-limit.md").write_text(digest, encoding="utf-8")
    assert digest == (GOLDEN / "over-the-limit.md").read_text(encoding="utf-8")


def test_unbinding_a_number_is_refused_without_the_override(
    tree: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(tree / "Pulumi.prod.yaml", '    - number: "+15005550021"\n      messaging: messaging\n', "")
    edit(tree / "Pulumi.prod.yaml", "flex-pre-agent:protect: true", "flex-pre-agent:flows: [messaging]\n"
         "  flex-pre-agent:protect: true")
    monkeypatch.chdir(tree)

    refused = main(["pr-summary", "--base", "HEAD", "--html", str(tree / "build" / "summary.html")])
    out = capsys.readouterr()
    allowed = main(["pr-summary", "--base", "HEAD", "--allow-unsafe", "--format", "markdown"])

    assert (refused, allowed) == (1, 0)
    assert "+15005550021 messaging no longer starts flow \"messaging\"" in out.out
    assert "--allow-unsafe" in out.err
    assert "<h3>Stack `prod`</h3>" in (tree / "build" / "summary.html").read_text(encoding="utf-8")


def test_a_flow_renamed_with_formerly_is_one_renamed_flow_and_no_unbound_number(tree: Path) -> None:
    edit(tree / "flows" / "voice.py", '@flow("voice", friendly_name="Pre-agent voice")',
         '@flow("main_line", friendly_name="Pre-agent voice", formerly=("voice",))')
    for name in ("dev", "prod"):
        edit(tree / f"Pulumi.{name}.yaml", "voice: voice", "voice: main_line")

    plan = review("HEAD", tree)

    for stack in plan.stacks:
        assert [(flow.name, flow.status, flow.diff.is_empty) for flow in stack.flows] == [
            ("main_line (renamed from voice)", "changed", True)]
        assert [change for change in stack.objects if change.kind == "trigger"] == []
    assert plan.unsafe() == []  # the number starts the same Studio flow, under its new name
    assert "  ~ flow main_line (renamed from voice)" in plan.to_text()


class FakeGitHub(BaseHTTPRequestHandler):
    """The issue-comments calls of GitHub's REST API, on loopback."""

    comments: ClassVar[list[dict[str, Any]]] = []

    def do_GET(self) -> None:
        page = int(self.path.rsplit("page=", 1)[-1])
        self.reply(200, self.comments[(page - 1) * 100: page * 100])

    def do_POST(self) -> None:
        number = len(self.comments) + 1
        comment = {"id": number, "body": self.body()["body"], "html_url": f"c{number}"}
        self.comments.append(comment)
        self.reply(201, comment)

    def do_PATCH(self) -> None:
        comment = next(c for c in self.comments if self.path.endswith(f"/comments/{c['id']}"))
        comment["body"] = self.body()["body"]
        self.reply(200, comment)

    def body(self) -> Any:
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

    def reply(self, status: int, data: Any) -> None:
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


def test_one_comment_per_pull_request_found_by_our_marker_and_edited_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeGitHub.comments = [{"id": 1, "body": "#### :tropical_drink: `preview` on dev", "html_url": "c1"}]
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGitHub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("GITHUB_API_URL", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    monkeypatch.setenv("GITHUB_REPOSITORY", "team/flex")
    body = tmp_path / "summary.md"
    try:
        for text in ("first run", "second run"):
            body.write_text(text, encoding="utf-8")
            assert main(["pr-comment", "--pr", "7", "--body", str(body)]) == 0
    finally:
        server.shutdown()

    assert [c["body"] for c in FakeGitHub.comments] == ["#### :tropical_drink: `preview` on dev",
                                                        f"{MARKER}\nsecond run"]


def snapshot(**parts: Any) -> dict[str, Any]:
    """One stack's snapshot (flexctl.snapshot) with only what a threshold looks at."""
    base: dict[str, Any] = {"config": {}, "problems": [], "flows": {}, "workflows": {}, "activities": {},
                            "channels": {}, "triggers": {}, "flex_defaults": ["Everyone"],
                            "queues": {name: {"target_workers": "1==1"} for name in ("Everyone", "A", "B", "C", "D")}}
    return {**base, **parts}


def test_removing_an_adopted_flex_object_is_refused() -> None:
    after = snapshot(queues={name: {"target_workers": "1==1"} for name in ("A", "B", "C", "D")})

    plan = compare({"dev": snapshot()}, {"dev": after}, base_name="a", head_name="b")

    assert plan.unsafe() == ["stack dev: removes queue 'Everyone', an adopted Flex object"]


def test_removing_more_than_a_set_share_of_a_stack_is_refused_and_the_share_can_be_set() -> None:
    after = snapshot(queues={"Everyone": {"target_workers": "1==1"}, "A": {"target_workers": "1==1"}})

    strict = compare({"dev": snapshot()}, {"dev": after}, base_name="a", head_name="b")
    lenient = compare({"dev": snapshot()}, {"dev": after}, base_name="a", head_name="b",
                      thresholds=Thresholds(max_replaced_share=0.8))

    assert strict.unsafe() == ["stack dev: removes or replaces 3 of its 5 objects (more than 30%)"]
    assert lenient.unsafe() == []


def numbers(*entries: tuple[str, str | None, str | None]) -> list[dict[str, Any]]:
    return [{"number": number, "voice": voice, "messaging": messaging} for number, voice, messaging in entries]


def test_numbers_and_addresses_are_compared_by_number_and_address_not_by_position() -> None:
    before = snapshot(config={
        "phoneNumbers": numbers(("+15005550010", "voice", None), ("+15005550011", None, "messaging"),
                                ("+15005550012", "voice", None)),
        "conversationsAddresses": [{"address": "+15005550020", "type": "sms", "flow": "conversations"},
                                   {"address": "+15005550021", "type": "sms", "flow": "conversations"}],
        "canaryTestUsers": ["+15005550030", "+15005550031"],
    })
    after = snapshot(config={
        "phoneNumbers": numbers(("+15005550011", "voice", "messaging"), ("+15005550012", "voice", None),
                                ("+15005550013", None, "messaging")),
        "conversationsAddresses": [{"address": "+15005550021", "type": "sms", "flow": "conversations"}],
        "canaryTestUsers": ["+15005550031"],
    })

    plan = compare({"dev": before}, {"dev": after}, base_name="a", head_name="b")

    assert [line for line in plan.to_text().splitlines() if "config" in line] == [
        '  ~ config phoneNumbers/+15005550010: {"voice": "voice"} -> (none)',
        '  ~ config phoneNumbers/+15005550011/voice: (none) -> "voice"',
        '  ~ config phoneNumbers/+15005550013: (none) -> {"messaging": "messaging"}',
        '  ~ config conversationsAddresses/+15005550020: {"flow": "conversations", "type": "sms"} -> (none)',
        '  ~ config canaryTestUsers/+15005550030: "listed" -> (none)',
    ]


def test_an_added_workflow_shows_its_filters_and_targets_not_only_its_name() -> None:
    """A team bringing its Console routing under code: the reviewer reads what the new workflow routes where."""
    from flexctl.review import compare_stack

    sales = {"filter_friendly_name": "Route To Sales", "expression": 'selected_queue == "sales"',
             "targets": [{"queue": "${sales}"}]}
    config = {"task_routing": {"filters": [sales], "default_filter": {"queue": "${everyone}"}}}
    change = compare_stack("dev", {"workflows": {}}, {"workflows": {"Park Resume": config}})
    (workflow,) = change.objects
    assert (workflow.kind, workflow.name, workflow.status) == ("workflow", "Park Resume", "added")
    assert {(c.path, c.new) for c in workflow.changes} >= {
        ("/task_routing/filters/Route To Sales/expression", 'selected_queue == "sales"'),
        ("/task_routing/filters/Route To Sales/targets/0/queue", "${sales}"),
        ("/task_routing/default_filter/queue", "${everyone}"),
    }
