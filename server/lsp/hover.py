"""Hovers: over a diagnostic, what the rule is, the guideline it enforces, the fix, the docs; over
a framework API's name, the guideline bullets about that API and the rules that check it.

API hovers read the semantic model of the document's last lint that parsed (``Document.model``),
through the changes made since: no parse and no jedi on the hover path. A name imported from the
project's own modules is looked up in the resolver's cache; a miss is resolved in the background
(``resolution.schedule_resolution``), and the next hover has the answer.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from pathlib import PurePath
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from lsprotocol import types
from pygls.uris import from_fs_path

from asyncguide.rules.api_guidelines import ApiHover, api_hover, needs_resolution, reference_at
from asyncguide.rules.documentation import quoted, rule_url
from asyncguide.rules.guidelines import Bullet, Quote
from asyncguide.rules.registry import all_rules
from asyncguide.rules.rule import Diagnostic, Range, Related
from asyncguide.rules.runner import rule_instance

from .diagnostics import ensure_linted
from .positions import after_changes, before_changes
from .resolution import schedule_resolution

if TYPE_CHECKING:
    from .documents import Document
    from .server import AsyncguideServer


def hover(ls: AsyncguideServer, params: types.HoverParams) -> types.Hover | None:
    document = ls.documents.get(params.text_document.uri)
    if document is None:
        return None
    ensure_linted(ls, document)
    markup = hover_markup(ls)
    line, column = document.index.position_from_client(params.position, ls.encoding)
    under = [diagnostic for diagnostic in document.diagnostics if diagnostic.range.contains(line, column)]
    with_message = not shows_diagnostics_with_hovers(ls)
    parts = [explain(diagnostic, markup, document.uri, with_message) for diagnostic in under]
    where = under[0].range if under else None
    api = api_at(ls, document, line, column)
    if api is not None:
        api_range, found = api
        # under a diagnostic, the API part comes after it, and only when it has more to say
        rules = all_rules()
        shown = {_bullet(q) for d in under if d.code in rules for q in rule_instance(d.code).quotes(d)}
        checked = {diagnostic.code for diagnostic in under}
        if any(bullet not in shown for bullet in found.quotes) or any(rule.code not in checked for rule in found.rules):
            parts.append(explain_api(found, shown, markup))
            where = where or api_range
    if where is None:
        return None
    return types.Hover(
        contents=types.MarkupContent(kind=markup.kind, value=markup.separator.join(parts)),
        range=document.index.to_client(where, ls.encoding),
    )


#: clients (``clientInfo.name``) that show the diagnostics under the cursor together with the
#: server's hover: VS Code and the editors built on it (above the hover), and Eglot, whose eldoc
#: composes flymake's diagnostic text with the hover (the Eglot versions that send ``clientInfo``;
#: Eglot 1.9, Debian 12's, sends none, and its eldoc shows the hover alone). Neovim's hover
#: window shows the server's hover only.
CLIENTS_SHOWING_DIAGNOSTICS_WITH_HOVERS = ("Visual Studio Code", "code-server", "VSCodium", "Cursor", "Windsurf", "Eglot")


def shows_diagnostics_with_hovers(ls: AsyncguideServer) -> bool:
    """True when the client shows a diagnostic's message in the hover itself: the server's hover
    then leaves the message out rather than say it twice (LSP has no capability for this; the
    client's name tells)."""
    client = ls.client_info
    return client is not None and client.name.startswith(CLIENTS_SHOWING_DIAGNOSTICS_WITH_HOVERS)


def hover_markup(ls: AsyncguideServer) -> Markup:
    """The first of Markdown and plain text in the client's ``textDocument.hover.contentFormat``
    (its order is the client's preference); Markdown when the client does not say, plain text when
    it lists neither."""
    hover_capability = ls.client_capabilities.text_document and ls.client_capabilities.text_document.hover
    formats = hover_capability.content_format if hover_capability else None
    if formats is None:
        return MARKDOWN
    for kind in formats:
        if kind == types.MarkupKind.Markdown:
            return MARKDOWN
        if kind == types.MarkupKind.PlainText:
            return PLAIN_TEXT
    return PLAIN_TEXT


#: `code` and **emphasis**, as rule messages and guideline bullets write them
_INLINE_MARKUP = re.compile(r"`(?P<code>[^`]*)`|\*\*(?P<strong>[^*]+)\*\*")


class Markup:
    """How a hover writes emphasis, code, links, lists and guideline quotes: as Markdown."""

    kind = types.MarkupKind.Markdown
    #: between the explanations of one hover (several diagnostics, a diagnostic and an API)
    separator = "\n\n---\n\n"

    def strong(self, text: str) -> str:
        return f"**{text}**"

    def code(self, text: str) -> str:
        return f"`{text}`"

    def prose(self, text: str) -> str:
        """A rule's message, summary or fix title, or a bullet's text, written in Markdown."""
        return text

    def link(self, text: str, url: str) -> str:
        return f"[{text}]({url})"

    def items(self, lines: Iterable[str]) -> str:
        return "\n".join(f"- {line}" for line in lines)

    def quote(self, bullet: Bullet) -> str:
        return quoted(bullet)


class PlainTextMarkup(Markup):
    """The same content without Markdown: code, emphasis and links as their bare text (a link
    followed by its address), quotes in quotation marks with where they stand on the next line."""

    kind = types.MarkupKind.PlainText
    separator = "\n\n" + "─" * 40 + "\n\n"

    def strong(self, text: str) -> str:
        return text

    def code(self, text: str) -> str:
        return text

    def prose(self, text: str) -> str:
        return _INLINE_MARKUP.sub(lambda match: match.group("code") or match.group("strong") or "", text)

    def link(self, text: str, url: str) -> str:
        return f"{text} ({url})"

    def items(self, lines: Iterable[str]) -> str:
        return "\n".join(f"  {line}" for line in lines)

    def quote(self, bullet: Bullet) -> str:
        return f"“{self.prose(bullet.text)}”\n— {bullet.title}"


MARKDOWN = Markup()
PLAIN_TEXT = PlainTextMarkup()


def explain(diagnostic: Diagnostic, markup: Markup = MARKDOWN, uri: str = "", with_message: bool = True) -> str:
    """One diagnostic: rule, message (unless the client shows it already), its chain hop by hop
    (ASY200), the guideline bullets it enforces, fix, docs link. ``uri`` is the diagnostic's
    document, where hops without a path are."""
    rule = all_rules().get(diagnostic.code)
    if rule is None:
        return f"{markup.strong(diagnostic.code)}\n\n{markup.prose(diagnostic.message)}"
    parts = [f"{markup.strong(rule.code)} {markup.code(rule.name)}"]
    if with_message:
        parts.append(markup.prose(diagnostic.message))
    if diagnostic.related:
        parts.append(markup.items(_hop(hop, markup, uri) for hop in diagnostic.related))
    parts.extend(markup.quote(_bullet(quote)) for quote in rule_instance(rule.code).quotes(diagnostic))
    if diagnostic.fix is not None and rule.fix_title:
        parts.append(f"{markup.strong('Fix')} ({diagnostic.fix.value}): {markup.prose(rule.fix_title)}")
    parts.append(markup.link(f"{rule.code} documentation", rule_url(rule.code)))
    return "\n\n".join(parts)


def _hop(hop: Related, markup: Markup, uri: str) -> str:
    """One hop of a chain, linked to its line: ``db.py:5``: query() calls `time.sleep()`…"""
    target = (from_fs_path(hop.path) or hop.path) if hop.path is not None else uri
    name = PurePath(hop.path).name if hop.path is not None else PurePath(urlparse(uri).path).name
    return f"{markup.link(f'{name}:{hop.line + 1}', f'{target}#L{hop.line + 1}')}: {markup.prose(hop.message)}"


def _bullet(quote: Quote) -> Bullet:
    try:
        return quote.resolve()
    except LookupError:  # a misquoted bullet fails the rule metadata tests; the hover still shows it
        return Bullet(quote.document, quote.section, quote.text, 0)


def explain_api(api: ApiHover, shown: Collection[Bullet] = (), markup: Markup = MARKDOWN) -> str:
    """One API: its name, the guideline bullets about it (less those already ``shown`` for a
    diagnostic at the same place), and the rules that check it, linked to their pages."""
    parts = [f"{markup.strong(markup.code(api.name))} in the guidelines"]
    parts.extend(markup.quote(bullet) for bullet in api.quotes if bullet not in shown)
    if api.rules:
        checks = markup.items(
            f"{markup.link(rule.code, rule_url(rule.code))} {markup.code(rule.name)}: {markup.prose(rule.summary)}" for rule in api.rules
        )
        parts.append(f"Checked by:\n\n{checks}")
    return "\n\n".join(parts)


def api_at(ls: AsyncguideServer, document: Document, line: int, column: int) -> tuple[Range, ApiHover] | None:
    """The API named at a position of the document's text (engine columns), and where its name
    stands; None when no API's name is there, or the model cannot tell (edited since)."""
    model = document.model
    if model is None:
        return None
    position = before_changes(document, line, column)
    if position is None:
        return None
    reference = reference_at(model, *position)
    if reference is None:
        return None
    range_ = after_changes(document, reference.range)
    if range_ is None:
        return None
    frameworks = model.frameworks
    for name in reference.names:
        found = api_hover(name, frameworks)
        if found is not None:
            return range_, found
    resolver = document.resolver
    if resolver is None:
        return None
    for name in reference.names:
        reexported = resolver.reexported_name(name) if needs_resolution(name) else None
        found = api_hover(reexported, frameworks) if reexported is not None else None
        if found is not None:
            return range_, found
    if resolver.pending:
        schedule_resolution(ls, document)
    return None
