"""Reviews without the engine or Twilio: ``pr-summary``, ``pr-comment`` and ``promote-diff``."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
from io import BytesIO
from pathlib import Path
from typing import Any

from flexctl.cli import ExitCode, InputError, Subparsers
from flexctl.review import COMMENT_LIMIT, MARKER, Plan, compare
from flexctl.snapshot import Snapshot, SnapshotError, tree_snapshot

ROOT = Path(__file__).resolve().parents[1]


def repo_root() -> Path:
    """The project the command runs in: the git checkout around it, the current folder, else this project."""
    done = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=False)
    if done.returncode == 0 and done.stdout.strip():
        return Path(done.stdout.strip())
    return Path.cwd() if (Path.cwd() / "Pulumi.yaml").exists() else ROOT


def register(subparsers: Subparsers) -> None:
    summary = subparsers.add_parser(
        "pr-summary", help="what a change deploys to every stack, compared with a git ref (no engine, no Twilio)")
    summary.add_argument("--base", required=True, help="the git ref to compare with, e.g. origin/main")
    summary.add_argument("--format", choices=("text", "markdown"), default="text", help="what to print")
    summary.add_argument("--markdown", type=Path, help="also write the pull-request comment here")
    summary.add_argument("--html", type=Path, help="also write an HTML page here (build/)")
    summary.add_argument("--allow-unsafe", action="store_true",
                         help="exit 0 even when a safety threshold refuses the change (an explicit override)")
    summary.set_defaults(handler=run_pr_summary)

    comment = subparsers.add_parser(
        "pr-comment", help="create or edit this project's one comment on a GitHub pull request")
    comment.add_argument("--pr", type=int, required=True, help="the pull request number")
    comment.add_argument("--body", type=Path, required=True, help="a Markdown file (pr-summary --markdown)")
    comment.add_argument("--repo", default=os.environ.get("GITHUB_REPOSITORY"),
                         help="owner/name (default: $GITHUB_REPOSITORY)")
    comment.set_defaults(handler=run_pr_comment)

    promote = subparsers.add_parser(
        "promote-diff", help="what differs between two stacks: config, flows and routing (no engine, no Twilio)")
    promote.add_argument("source", help="the stack promoted from, e.g. dev")
    promote.add_argument("target", help="the stack promoted to, e.g. prod")
    promote.set_defaults(handler=run_promote_diff)


# ---- pr-summary ------------------------------------------------------------------------------------------------


def review(base: str, root: Path = ROOT) -> Plan:
    """The plan between git ``base`` and the working tree of ``root``."""
    return compare(ref_snapshot(root, base), snapshot(root), base_name=base, head_name="the working tree")


def ref_snapshot(root: Path, ref: str) -> Snapshot:
    """Every stack as the tree at git ``ref`` renders it (exported to a temporary folder, nothing checked out)."""
    archive = subprocess.run(["git", "archive", "--format=tar", ref], cwd=root, capture_output=True, check=False)
    if archive.returncode:
        raise InputError(f"--base {ref}: {archive.stderr.decode(errors='replace').strip()}; pass a branch, tag or "
                         "commit of this repository (fetch it first, e.g. `git fetch origin main`)")
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        return snapshot(Path(tmp), f"--base {ref}")


def snapshot(tree: Path, what: str = "the working tree") -> Snapshot:
    try:
        return tree_snapshot(tree)
    except SnapshotError as error:
        raise InputError(f"{what}: {error}") from None


def run_pr_summary(args: argparse.Namespace) -> int:
    plan = review(args.base, repo_root())
    print(plan.to_markdown() if args.format == "markdown" else plan.to_text(), end="")
    for path, text in ((args.markdown, plan.to_markdown()), (args.html, plan.to_html())):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    unsafe = plan.unsafe()
    if unsafe and not args.allow_unsafe:
        print(f"flexctl pr-summary: refused by {len(unsafe)} safety threshold(s); review them, then pass "
              "--allow-unsafe (in CI: the label unsafe-change-approved)", file=sys.stderr)
        return int(ExitCode.FINDINGS)
    return int(ExitCode.OK)


# ---- pr-comment ------------------------------------------------------------------------------------------------


def run_pr_comment(args: argparse.Namespace) -> int:
    token = os.environ.get("GITHUB_TOKEN")
    if not token or not args.repo:
        raise InputError("set GITHUB_TOKEN and GITHUB_REPOSITORY (or --repo owner/name): GitHub Actions sets both")
    try:
        body = args.body.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot read {args.body}: {error.strerror}") from None
    api = GitHub(os.environ.get("GITHUB_API_URL", "https://api.github.com"), token)
    action, url = upsert_comment(api, args.repo, args.pr, body)
    print(f"{action} {url}")
    return int(ExitCode.OK)


class GitHub:
    """The few calls of GitHub's REST API a review comment needs."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url, self.token = base_url.rstrip("/"), token

    def call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(f"{self.base_url}{path}", data=data, method=method, headers={
            "Authorization": f"Bearer {self.token}", "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raise InputError(f"GitHub answered {error.code} to {method} {path}: {error.read()[:300]!r}") from None


def upsert_comment(api: GitHub, repo: str, number: int, body: str) -> tuple[str, str]:
    """Edit the comment that carries :data:`MARKER`, or create it: one comment per pull request, whatever job runs."""
    text = f"{MARKER}\n{body}"
    if len(text) > COMMENT_LIMIT:
        text = text[: COMMENT_LIMIT - 60] + "\n\n…(cut at GitHub's comment limit)\n"
    page = 1
    while True:
        comments = api.call("GET", f"/repos/{repo}/issues/{number}/comments?per_page=100&page={page}")
        ours = next((c for c in comments if MARKER in str(c.get("body", ""))), None)
        if ours is not None:
            edited = api.call("PATCH", f"/repos/{repo}/issues/comments/{ours['id']}", {"body": text})
            return "edited", str(edited.get("html_url", ours["id"]))
        if len(comments) < 100:
            break
        page += 1
    created = api.call("POST", f"/repos/{repo}/issues/{number}/comments", {"body": text})
    return "created", str(created.get("html_url", created.get("id")))


# ---- promote-diff ----------------------------------------------------------------------------------------------


def promotion_plan(source: str, target: str, root: Path = ROOT) -> Plan:
    """What differs between two stacks of the working tree: config values, flows (environment-independent
    definitions, every parameter as ``${NAME}``) and routing."""
    stacks = snapshot(root)
    for stack in (source, target):
        if stack not in stacks:
            from difflib import get_close_matches

            close = get_close_matches(stack, list(stacks), n=1)
            raise InputError(f"there is no Pulumi.{stack}.yaml in {root}; stacks here: {', '.join(sorted(stacks))}"
                             + (f" (did you mean {close[0]}?)" if close else ""))

    def independent(name: str) -> dict[str, Any]:
        data = dict(stacks[name])
        data["flows"] = {flow: {**spec, "definition": spec["template"]} for flow, spec in data["flows"].items()}
        # Numbers are each account's own: compare which flows are started, and how.
        started: dict[str, list[str]] = {}
        for trigger, flow in data["triggers"].items():
            started.setdefault(flow, []).append(trigger.split(":")[0] if ":" in trigger else trigger.split()[-1])
        data["triggers"] = {f"flow {flow} started by": ", ".join(sorted(how)) for flow, how in started.items()}
        return data

    return compare({"promotion": independent(source)}, {"promotion": independent(target)},
                   base_name=f"stack {source}", head_name=f"stack {target}", thresholds=None)


def run_promote_diff(args: argparse.Namespace) -> int:
    plan = promotion_plan(args.source, args.target, repo_root())
    print(plan.to_text().replace("stack promotion", f"{args.source} -> {args.target}"), end="")
    return int(ExitCode.OK)
