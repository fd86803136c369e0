"""Hover over a diagnostic: what the rule is, the guideline it enforces, the fix, the docs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from asyncguide.rules.documentation import quoted, rule_url
from asyncguide.rules.guidelines import Bullet, Quote
from asyncguide.rules.registry import all_rules
from asyncguide.rules.rule import Diagnostic
from asyncguide.rules.runner import rule_instance

from .diagnostics import ensure_linted

if TYPE_CHECKING:
    from .server import AsyncguideServer


def hover(ls: AsyncguideServer, params: types.HoverParams) -> types.Hover | None:
    document = ls.documents.get(params.text_document.uri)
    if document is None:
        return None
    ensure_linted(ls, document)
    line, column = document.index.position_from_client(params.position, ls.encoding)
    under = [diagnostic for diagnostic in document.diagnostics if diagnostic.range.contains(line, column)]
    if not under:
        return None
    formats = ls.client_capabilities.text_document and ls.client_capabilities.text_document.hover
    plain_only = formats is not None and formats.content_format is not None and types.MarkupKind.Markdown not in formats.content_format
    return types.Hover(
        contents=types.MarkupContent(
            kind=types.MarkupKind.PlainText if plain_only else types.MarkupKind.Markdown,
            value="\n\n---\n\n".join(explain(diagnostic) for diagnostic in under),
        ),
        range=document.index.to_client(under[0].range, ls.encoding),
    )


def explain(diagnostic: Diagnostic) -> str:
    """One diagnostic as Markdown: rule, message, the guideline bullets it enforces, fix, docs link."""
    rule = all_rules().get(diagnostic.code)
    if rule is None:
        return f"**{diagnostic.code}**\n\n{diagnostic.message}"
    parts = [f"**{rule.code}** `{rule.name}`", diagnostic.message]
    parts.extend(quoted(_bullet(quote)) for quote in rule_instance(rule.code).quotes(diagnostic))
    if diagnostic.fix is not None and rule.fix_title:
        parts.append(f"**Fix** ({diagnostic.fix.value}): {rule.fix_title}")
    parts.append(f"[{rule.code} documentation]({rule_url(rule.code)})")
    return "\n\n".join(parts)


def _bullet(quote: Quote) -> Bullet:
    try:
        return quote.resolve()
    except LookupError:  # a misquoted bullet fails the rule metadata tests; the hover still shows it
        return Bullet(quote.document, quote.section, quote.text, 0)
