"""Every example expression from Twilio's TaskRouter documentation parses with the kind it is used as."""

from __future__ import annotations

import pytest

from taskrouter import ExpressionKind, parse

# (expression, kind, where Twilio shows it)
DOC_EXAMPLES: list[tuple[str, ExpressionKind, str]] = [
    ("(skills HAS 'support') AND (languages HAS 'english')", "queue", "expression-syntax: TargetWorkers"),
    ("customer_value == 'Gold' AND type == 'ticket'", "filter", "expression-syntax: workflow filter"),
    ("1 == 1", "filter", "expression-syntax: structure"),
    ("0 != 1", "filter", "expression-syntax: structure"),
    ('"apple" != "orange"', "filter", "expression-syntax: structure"),
    ("key > 1", "filter", "expression-syntax: structure"),
    ('object.param != "apple"', "filter", "expression-syntax: structure"),
    ('language IN ["en", "es"]', "filter", "expression-syntax: structure"),
    ("(condition_a == true) OR (condition_b == true)", "filter", "expression-syntax: structure"),
    ('(language == "en" OR language == "fr") AND skill_rating >= 5.1', "filter", "expression-syntax: structure"),
    ("type == 'ticket' AND customer_value IN ['Silver', 'Bronze']", "filter", "workflow-configuration"),
    ("customer_value IN ['Silver', 'Bronze'] AND type == 'ticket'", "filter", "workflow-configuration"),
    ("type == 'lead'", "filter", "workflow-configuration"),
    ('type=="Support"', "filter", "lifecycle-task-workflows-and-assignment"),
    ("worker.id IN task.preferred_agents", "target", "lifecycle-task-workflows-and-assignment"),
    ("task.requested_agent==worker.agent_id", "target", "expression-syntax: target workers"),
    ("task.required_language IN worker.spoken_languages", "target", "expression-syntax: target workers"),
    ("worker.activity_name in ['Generally Available', 'High Value Tasks']", "target", "activity-based-routing"),
    ("worker.activity_sid == 'WAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'", "target", "activity-based-routing"),
    ("activity_name in ['ABC', 'XYZ']", "queue", "changelog 2022-08: worker list TargetWorkersExpression"),
    ("activity_name contains 'MNO'", "queue", "changelog 2022-08: worker list TargetWorkersExpression"),
    ('"language" == "spanish"', "queue", "task-queue API: TargetWorkers parameter"),
    ("1==0", "queue", "queued callbacks plugin: a queue no worker is in"),
    ("routing.skills HAS 'template_example_sales'", "queue", "flex-project-template: Flex skills"),
    ('object.array[0] == "a"', "filter", "TaskRouter changelog: nested arrays"),
    ("taskrouter.currentTime > 0800 AND taskrouter.currentTime < 1830", "filter", "time-of-day-routing"),
    ("taskrouter.currentHour > 8 AND taskrouter.currentHour < 18", "filter", "time-of-day-routing"),
    ("taskrouter.currentMin > 10 AND taskrouter.currentMin < 50", "filter", "time-of-day-routing"),
    ("taskrouter.dayOfWeek = 'Sat'", "filter", "time-of-day-routing"),
    ("taskrouter.dayOfWeek == 'Mon'", "target", "time-of-day-routing: target expressions too"),
    ("workers.available == 0", "skip_if", "worker-presence"),
    ("1==1", "skip_if", "twilio-java WorkflowRuleTarget test"),
    ("workers.WA0123456789abcdef0123456789abcdef > 2", "skip_if", "worker-presence: workers.WAxx"),
    ("worker.english_level ASC", "order_by", "order-workers"),
    ("worker.finance ASC, worker.support ASC", "order_by", "order-workers"),
    ("worker.contact_uri != task.ignoreWorkerContactUri", "target", "flex-project-template chat transfer"),
    ("targetWorker != null AND callToQueue == null", "filter", "flex-project-template internal calls"),
]


@pytest.mark.parametrize(("text", "kind", "source"), DOC_EXAMPLES, ids=[example[0] for example in DOC_EXAMPLES])
def test_documented_example_parses_with_its_kind(text: str, kind: ExpressionKind, source: str) -> None:
    expression = parse(text, kind)
    assert expression.kind == kind
    assert expression.text == text


@pytest.mark.parametrize(("text", "kind", "source"), DOC_EXAMPLES, ids=[example[0] for example in DOC_EXAMPLES])
def test_documented_example_reparses_from_its_canonical_form(text: str, kind: ExpressionKind, source: str) -> None:
    expression = parse(text, kind)
    assert parse(str(expression), kind) == expression


def test_canonical_form_uses_upper_case_keywords_and_double_equals() -> None:
    assert str(parse("a = 1 and b in ['x'] or c contains 'y'")) == "(a == 1 AND b IN ['x']) OR c CONTAINS 'y'"


def test_leading_zeros_read_as_the_integer() -> None:
    assert str(parse("taskrouter.currentTime > 0800")) == "taskrouter.currentTime > 800"


def test_and_binds_tighter_than_or() -> None:
    assert str(parse("a == 1 OR b == 2 AND c == 3")) == "a == 1 OR (b == 2 AND c == 3)"


def test_references_lists_every_key_in_source_order() -> None:
    expression = parse("task.language IN worker.languages AND worker.level > 2", "target")
    assert [reference.name for reference in expression.references()] == [
        "task.language", "worker.languages", "worker.level"]


def test_order_by_clauses_keep_their_direction() -> None:
    order = parse("worker.level desc, worker.seniority ASC", "order_by").order
    assert [(clause.reference.name, clause.direction) for clause in order.clauses] == [
        ("worker.level", "DESC"), ("worker.seniority", "ASC")]
