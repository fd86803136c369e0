"""A rule's documentation as Markdown: the docs page, ``asyncguide explain``, and hovers use it."""

from __future__ import annotations

from collections.abc import Sequence

from .guidelines import Bullet
from .registry import OPT_IN_GROUP
from .noqa import UNUSED_NOQA_CODE
from .rule import FixAvailability, Rule

DOCS_URL = "https://asyncguide.readthedocs.io/en/latest"


#: where the codes of asyncguide itself, which are no rules, are documented
_TOOL_CODE_PAGES = {UNUSED_NOQA_CODE: "configuration/#unused-noqa-codes"}


def rule_url(code: str) -> str:
    """The rule's page on the documentation site (``codeDescription.href`` of its diagnostics); for
    a code of asyncguide itself, the section documenting it."""
    return f"{DOCS_URL}/{_TOOL_CODE_PAGES.get(code, f'rules/{code}/')}"


def quoted(bullet: Bullet) -> str:
    """A guideline bullet as a Markdown blockquote with where it stands."""
    return f"> {bullet.text}\n>\n> — *{bullet.title}*"


def guideline_quotes(rule: type[Rule]) -> str:
    """The rule's guideline bullets; those it cites only in some frameworks' handlers come after."""
    parts = [quoted(quote.resolve()) for quote in rule.guidelines]
    in_handlers = [quote for quote in rule.cited_guidelines() if quote not in rule.guidelines]
    if in_handlers:
        parts.append("Inside a framework's request handlers, the diagnostic also quotes that framework's guideline:")
        parts.extend(quoted(quote.resolve()) for quote in in_handlers)
    return "\n\n".join(parts)


def fix_summary(rule: type[Rule]) -> str:
    if rule.fix_availability is FixAvailability.NEVER:
        return "No automatic fix."
    when = "Always" if rule.fix_availability is FixAvailability.ALWAYS else "Sometimes"
    return f"{when} fixable: {rule.fix_title}."


def group_summary(rule: type[Rule]) -> str:
    if not rule.opt_in:
        return "default (on unless ignored)."
    return (f"{OPT_IN_GROUP} (off unless selected: `extend-select = [\"{OPT_IN_GROUP}\"]` for the group, "
            f"or `[\"{rule.code}\"]`).")


def render_markdown(rule: type[Rule], more_facts: Sequence[str] = ()) -> str:
    """The full page of one rule: title, facts (``more_facts`` last), its guideline quotes, then its
    documented sections."""
    sections = rule.documentation()
    facts = [
        f"Framework: {rule.framework}", f"Severity: {rule.severity.value}", f"Fix: {fix_summary(rule)}",
        f"Group: {group_summary(rule)}", *more_facts,
    ]
    parts = [
        f"# {rule.code}: {rule.name}",
        f"{rule.summary}",
        "\n".join(f"- {fact}" for fact in facts),
        "## Guideline",
        guideline_quotes(rule),
    ]
    for heading, body in sections.items():
        parts.append(f"## {heading}")
        parts.append(body)
    return "\n\n".join(parts) + "\n"
