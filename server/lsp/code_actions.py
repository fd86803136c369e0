"""Code actions: a quick fix per fixable diagnostic, "disable for this line", and fix-all.

The first two can be turned off (settings ``codeAction.fixViolation`` and
``codeAction.disableRuleComment``); fix-all is asked for by kind, so it stays.

Quick fixes are offered for safe and unsafe fixes alike (unsafe ones say so in their title and are
never preferred); ``source.fixAll.asyncguide`` applies every safe fix of the document, and unsafe
ones too when ``unsafeFixes`` is on. When the client can resolve a code action's ``edit`` lazily
(``codeAction/resolve``), edits are computed only for the action the user picks; otherwise with
the list. An action carries the document version it was made for: resolving it after the
document changed gives no edit rather than a wrong one.

Fix-all re-lints the document once per round, which takes a while on a long one: it runs in the
server's worker threads (a text document's; a notebook's still runs on the event loop), so that
hovers and edits are handled meanwhile. Its edit is for the version it was computed from; when the
document changed in the meantime there is none.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from asyncguide.rules.noqa import CommentLines, noqa_codes
from asyncguide.rules.rule import Applicability, Diagnostic, Edit, Fix, Range
from asyncguide.rules.runner import rule_instance

from . import notebooks, project
from .diagnostics import ensure_linted, lsp_diagnostic
from .positions import single_edit

if TYPE_CHECKING:
    from .documents import Document
    from .server import AsyncguideServer

log = logging.getLogger("asyncguide.server")

FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.asyncguide"
KINDS = [types.CodeActionKind.QuickFix, FIX_ALL_KIND]


def options() -> types.CodeActionOptions:
    return types.CodeActionOptions(code_action_kinds=KINDS, resolve_provider=True)


async def code_action(ls: AsyncguideServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    document = ls.documents.get(params.text_document.uri)
    if document is None:
        return None
    ensure_linted(ls, document)
    lazy = resolves_edits(ls)
    only = params.context.only
    area = ordered(document.index.from_client(params.range, ls.encoding))
    actions: list[types.CodeAction] = []
    enabled = ls.editor_settings_for(document.path).code_action
    if allowed(types.CodeActionKind.QuickFix, only):
        touched = [d for d in document.diagnostics if touches(d.range, area)]
        if document.syntax_error is None and enabled.fix_violation.enable:  # fixes re-parse the document
            for diagnostic in touched:
                if diagnostic.fix is not None:
                    action = fix_action(ls, document, diagnostic, lazy)
                    if action is not None:
                        actions.append(action)
        if enabled.disable_rule_comment.enable:
            actions.extend(noqa_actions(ls, document, touched))
    if allowed(FIX_ALL_KIND, only) and document.syntax_error is None:
        action = await fix_all_action(ls, document, lazy)
        if action is not None:
            actions.append(action)
    return actions


async def resolve_code_action(ls: AsyncguideServer, action: types.CodeAction) -> types.CodeAction:
    """Compute the edit of an action offered without one; none when its document changed since, or
    when ``data`` is not what ``code_action`` put there."""
    data = action.data if isinstance(action.data, dict) else {}
    uri = data.get("uri")
    document = ls.documents.get(uri) if isinstance(uri, str) else None
    if document is None or document.version != data.get("version") or action.edit is not None:
        return action
    ensure_linted(ls, document)
    if document.syntax_error is not None:  # fixes re-parse the document
        return action
    if data.get("action") == "fix":
        wanted = _range(data.get("range"))
        for diagnostic in document.diagnostics:
            if diagnostic.code == data.get("code") and diagnostic.range == wanted:
                action.edit = fix_edit(ls, document, diagnostic)
                break
    elif data.get("action") == "fixAll":
        action.edit = await fix_all_edit(ls, document)
    return action


# -------------------------------------------------------------------------------- actions


def fix_action(ls: AsyncguideServer, document: Document, diagnostic: Diagnostic, lazy: bool) -> types.CodeAction | None:
    title = rule_instance(diagnostic.code).fix_title or "Apply the fix"
    edit = None
    if not lazy:
        built = _fix_and_edit(ls, document, diagnostic)
        if built is None:
            return None
        title, edit = built
    unsafe = diagnostic.fix is Applicability.UNSAFE
    return types.CodeAction(
        title=f"{diagnostic.code}: {title}{' (unsafe)' if unsafe else ''}",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[lsp_diagnostic(diagnostic, document.index, ls.encoding, document.uri)],
        is_preferred=not unsafe,
        edit=edit,
        data=_data(document, "fix", code=diagnostic.code, range=list(_astuple(diagnostic.range))),
    )


def fix_edit(ls: AsyncguideServer, document: Document, diagnostic: Diagnostic) -> types.WorkspaceEdit | None:
    built = _fix_and_edit(ls, document, diagnostic)
    return built[1] if built is not None else None


def _fix_and_edit(ls: AsyncguideServer, document: Document, diagnostic: Diagnostic) -> tuple[str, types.WorkspaceEdit] | None:
    """The title of the diagnostic's fix and its edit: of the document, or of the notebook cells it
    changes (a cell's fix is built on the whole notebook)."""
    if document.notebook is None:
        fix = _build_fix(document, diagnostic)
        return (fix.title, workspace_edit(ls, document, fix.edits)) if fix is not None else None
    try:
        found = notebooks.fix_edits(ls, document, diagnostic)
    except Exception:  # noqa: BLE001 - a broken fix must not break the other actions, nor the server
        log.exception("fix of %s failed on %s", diagnostic.code, document.uri)
        return None
    if found is None:
        return None
    title, edits = found
    return title, documents_edit(ls, {cell: [edit] for cell, edit in edits.items()})


def _build_fix(document: Document, diagnostic: Diagnostic) -> Fix | None:
    """The diagnostic's fix, or None when the rule cannot build one here (or fails to)."""
    from asyncguide.rules.fixes import build_fix  # libcst, imported once a fix is asked for (``startup``)

    try:
        fix = build_fix(diagnostic, document.text, _target(document))
    except Exception:  # noqa: BLE001 - a broken fix must not break the other actions, nor the server
        log.exception("fix of %s failed on %s", diagnostic.code, document.uri)
        return None
    return fix if fix is not None and fix.edits else None


async def fix_all_action(ls: AsyncguideServer, document: Document, lazy: bool) -> types.CodeAction | None:
    settings = document.settings
    allowed_fixes = {Applicability.SAFE, Applicability.UNSAFE} if settings and settings.unsafe_fixes else {Applicability.SAFE}
    if not any(diagnostic.fix in allowed_fixes for diagnostic in document.diagnostics):
        return None
    edit = None
    if not lazy:
        edit = await fix_all_edit(ls, document)
        if edit is None:
            return None
    return types.CodeAction(
        title="asyncguide: Fix all auto-fixable problems",
        kind=FIX_ALL_KIND,
        edit=edit,
        data=_data(document, "fixAll"),
    )


async def fix_all_edit(ls: AsyncguideServer, document: Document) -> types.WorkspaceEdit | None:
    """The edit applying every fix, computed in a worker thread (a notebook's, on the event loop);
    None when there is nothing to fix, or the document changed (or closed) while it was computed."""
    settings = document.settings
    if settings is None:
        return None
    if document.notebook is not None:
        try:
            edits = notebooks.fix_all_edits(ls, document)
        except Exception:  # noqa: BLE001 - a broken fix must not take the server down
            log.exception("fix all failed on %s", document.notebook)
            return None
        return documents_edit(ls, {cell: [edit] for cell, edit in edits.items()}) if edits else None
    from asyncguide.rules.fixes import fix_all  # libcst, imported once a fix is asked for (``startup``)

    text, version = document.text, document.version
    # in its project, as the document's lint is: ASY200's chains into other modules are fixed too
    view, resolver = project.placed(ls, document, settings, document.resolver)
    try:
        result = await asyncio.get_running_loop().run_in_executor(
            ls.thread_pool,
            functools.partial(
                fix_all,
                text,
                settings.codes,
                settings.target_version,
                settings.unsafe_fixes,
                resolver,
                settings.versions,
                project=view,
            ),
        )
    except Exception:  # noqa: BLE001 - a broken fix must not take the server down
        log.exception("fix all failed on %s", document.uri)
        return None
    if result.source == text or ls.documents.get(document.uri) is not document or document.version != version:
        return None
    return workspace_edit(ls, document, [Edit(*single_edit(document.index, result.source))])


def noqa_actions(ls: AsyncguideServer, document: Document, diagnostics: Iterable[Diagnostic]) -> list[types.CodeAction]:
    actions = []
    offered: set[tuple[int, str]] = set()
    comment_lines: CommentLines | None = None
    for diagnostic in diagnostics:
        comment_lines = comment_lines or CommentLines(document.text)
        line_number = comment_lines[diagnostic.range.start_line]
        if (line_number, diagnostic.code) in offered:
            continue
        offered.add((line_number, diagnostic.code))
        edit = noqa_edit(document.index.line(line_number), line_number, diagnostic.code)
        if edit is None:
            continue
        actions.append(
            types.CodeAction(
                title=f"Disable {diagnostic.code} for this line",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[lsp_diagnostic(diagnostic, document.index, ls.encoding, document.uri)],
                edit=workspace_edit(ls, document, [edit]),
            )
        )
    return actions


def noqa_edit(line: str, line_number: int, code: str) -> Edit | None:
    """The edit adding ``code`` to the line's ``# noqa`` comment, or adding one (``line`` is one that
    can end with a comment: ``CommentLines``); None when a bare ``# noqa`` already suppresses it."""
    match, codes = noqa_codes(line)
    if match is not None:
        if not codes or code in codes:  # a bare "# noqa" already suppresses everything
            return None
        end = match.end("codes")
        return Edit(Range(line_number, end, line_number, end), f", {code}")
    code_end = len(line.rstrip())
    return Edit(Range(line_number, code_end, line_number, len(line)), f"  # noqa: {code}")


# -------------------------------------------------------------------------------- edits


def workspace_edit(ls: AsyncguideServer, document: Document, edits: Iterable[Edit]) -> types.WorkspaceEdit:
    """The edits as a WorkspaceEdit; versioned when the client supports it, so that it applies only
    to the document version they were made for."""
    return documents_edit(ls, {document: edits})


def documents_edit(ls: AsyncguideServer, edits: dict[Document, Iterable[Edit]]) -> types.WorkspaceEdit:
    """``workspace_edit`` of several documents (the cells of a notebook)."""
    text_edits: dict[Document, list[types.TextEdit | types.AnnotatedTextEdit | types.SnippetTextEdit]] = {
        document: [
            types.TextEdit(range=document.index.to_client(edit.range, ls.encoding), new_text=edit.new_text)
            for edit in sorted(set(document_edits), key=lambda edit: (edit.range, edit.new_text))
        ]
        for document, document_edits in edits.items()
    }
    if ls.supports("workspace.workspace_edit.document_changes"):
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(uri=document.uri, version=document.version),
                    edits=changes,
                )
                for document, changes in text_edits.items()
            ]
        )
    return types.WorkspaceEdit(changes={document.uri: changes for document, changes in text_edits.items()})  # type: ignore[misc]


# -------------------------------------------------------------------------------- helpers


def resolves_edits(ls: AsyncguideServer) -> bool:
    support = ls.client_capabilities.text_document and ls.client_capabilities.text_document.code_action
    resolve = support.resolve_support if support else None
    return resolve is not None and "edit" in resolve.properties


def allowed(kind: str, only: list[str] | None) -> bool:
    """True when ``kind`` is one of the kinds the client asked for (or it asked for any)."""
    return only is None or any(kind == wanted or kind.startswith(f"{wanted}.") for wanted in only)


def touches(range_: Range, area: Range) -> bool:
    """True when a diagnostic's range and the requested range meet (ends included: a cursor counts)."""
    return not (
        (range_.end_line, range_.end_column) < (area.start_line, area.start_column)
        or (area.end_line, area.end_column) < (range_.start_line, range_.start_column)
    )


def ordered(range_: Range) -> Range:
    """The range with its ends in order: a request's range may end before it starts."""
    start, end = (range_.start_line, range_.start_column), (range_.end_line, range_.end_column)
    return range_ if start <= end else Range(*end, *start)


def _data(document: Document, action: str, **extra: Any) -> dict[str, Any]:
    return {"uri": document.uri, "version": document.version, "action": action, **extra}


def _astuple(range_: Range) -> tuple[int, int, int, int]:
    return range_.start_line, range_.start_column, range_.end_line, range_.end_column


def _range(value: Any) -> Range | None:
    """The range ``_astuple`` put in an action's data; None when the client sent something else."""
    if isinstance(value, list) and len(value) == 4 and all(type(number) is int for number in value):
        return Range(*value)
    return None


def _target(document: Document) -> tuple[int, int]:
    return document.settings.target_version if document.settings else (3, 9)
