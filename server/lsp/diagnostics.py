"""Linting open documents and delivering their diagnostics, pulled or pushed.

When the client supports pull diagnostics (``textDocument/diagnostic``) it asks, and the server
answers with a ``resultId`` (an ``unchanged`` report when nothing changed since the id the client
holds). Otherwise the server pushes ``textDocument/publishDiagnostics`` with the document's
version, debounced per document after edits (setting ``debounceMs``). One mode per session, so a
document never gets both.

A document is linted at most once per (version, settings generation, resolution generation).
"""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import from_fs_path

from asyncguide.rules.api_guidelines import project_imports
from asyncguide.rules.documentation import rule_url
from asyncguide.rules.rule import Diagnostic, Range, Related, Severity
from asyncguide.rules.runner import InternalError, SyntaxErrorInfo, lint, rule_instance

from . import heap, notebooks, project, versions
from .positions import LineIndex
from .resolution import resolver_for, schedule_resolution

if TYPE_CHECKING:
    from .documents import Document
    from .server import AsyncguideServer

SOURCE = "asyncguide"
SYNTAX_ERROR_CODE = "ASG000"

SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFORMATION: types.DiagnosticSeverity.Information,
}


def ensure_linted(ls: AsyncguideServer, document: Document) -> None:
    """Lint the document unless its diagnostics are current.

    When the text does not parse, the document keeps its last good diagnostics (moved with the
    edits since) and records the syntax error. When it does, the document keeps its semantic model
    for hovers, and the resolver learns, in the background, what the names the module imports
    from the project's own modules re-export (``api_guidelines.project_imports``).
    """
    if document.notebook is not None:
        notebooks.ensure_linted(ls, document.notebook)
        return
    key = (document.version, ls.generation, document.resolution_generation)
    if document.linted == key:
        return
    settings = ls.lint_settings(document)
    as_opened = document.linted is None  # the first lint since the document was opened
    document.linted = key
    document.settings = settings
    if settings.excluded:
        document.diagnostics = []
        document.syntax_error = None
        document.keep_model(None)
        return
    resolver = resolver_for(ls, document, settings)
    # ASY200 across modules, and the coroutine rules' answers about the project's own functions
    view, placed_resolver = project.placed(ls, document, settings, resolver)
    with heap.models_kept_out_of_sight():
        result = lint(
            document.text,
            settings.codes,
            settings.target_version,
            placed_resolver,
            settings.versions,
            previous=document.model,
            project=view,
        )
    document.syntax_error = result.syntax_error
    if as_opened and result.syntax_error is not None and result.syntax_error.needs_python is not None:
        warn_newer_syntax(ls, document, result.syntax_error)
    if result.syntax_error is None or result.previous_spoiled:
        document.keep_model(result.model)
    if result.syntax_error is None:
        document.diagnostics = result.diagnostics
        if result.model is not None and view is not None:
            # after these diagnostics are delivered: the index and the dependents follow
            asyncio.get_running_loop().call_soon(project.linted, ls, document, view, result.model)
        for name in project_imports(result.model) if result.model else ():
            resolver.reexported_name(name)
    report_failures(ls, document, result.internal_errors)


def warn_newer_syntax(ls: AsyncguideServer, document: Document, error: SyntaxErrorInfo) -> None:
    """Say, once per workspace folder, that the server's Python is too old for the project's syntax.

    Shown whether or not syntax errors are (``showSyntaxErrors`` is off by default): otherwise
    files written for a newer Python would just get no diagnostics, with no word why. Only for a
    document's text as it was opened: while typing, half-written code (``f"{``) can look like
    newer syntax for a moment.
    """
    assert error.needs_python is not None
    workspace = ls.workspace_root(document.path) if document.path is not None else None
    if workspace in ls.warned_newer_syntax:
        return
    ls.warned_newer_syntax.add(workspace)
    needed = "{}.{}".format(*error.needs_python)
    running = "{}.{}".format(*sys.version_info[:2])
    name = document.path.name if document.path is not None else document.uri
    ls.show_warning(
        f"asyncguide runs on Python {running}, and {name} uses Python {needed} syntax, so it is not checked "
        f"(nor other files written for a newer Python): run asyncguide with Python ≥ {needed}"
    )


def report_failures(ls: AsyncguideServer, document: Document, failures: list[InternalError]) -> None:
    """Log each rule that crashed, once per rule and document version."""
    document.logged_failures = {seen for seen in document.logged_failures if seen[0] == document.version}
    for failure in failures:
        seen = (document.version, failure.code)
        if seen in document.logged_failures:
            continue
        document.logged_failures.add(seen)
        ls.log_error(f"asyncguide: rule {failure.code} failed on {document.uri} (version {document.version}): {failure.message}")


def to_lsp(ls: AsyncguideServer, document: Document) -> list[types.Diagnostic]:
    """The document's diagnostics in LSP form, in the negotiated position encoding."""
    index = document.index
    items = [lsp_diagnostic(diagnostic, index, ls.encoding, document.uri) for diagnostic in document.diagnostics]
    if document.syntax_error is not None and ls.editor_settings_for(document.path).show_syntax_errors:
        items.append(
            types.Diagnostic(
                range=index.to_client(document.syntax_error.range, ls.encoding),
                message=document.syntax_error.message,
                severity=types.DiagnosticSeverity.Error,
                code=SYNTAX_ERROR_CODE,
                source=SOURCE,
            )
        )
    return items


def lsp_diagnostic(diagnostic: Diagnostic, index: LineIndex, encoding: str, uri: str = "") -> types.Diagnostic:
    return types.Diagnostic(
        range=index.to_client(diagnostic.range, encoding),
        related_information=[related_information(hop, index, encoding, uri) for hop in diagnostic.related] or None,
        message=diagnostic.message,
        severity=SEVERITIES[diagnostic.severity],
        code=diagnostic.code,
        code_description=types.CodeDescription(href=rule_url(diagnostic.code)),
        source=SOURCE,
        data={
            "fix": diagnostic.fix.value if diagnostic.fix else None,
            "fixTitle": rule_instance(diagnostic.code).fix_title if diagnostic.fix else None,
            "ruleData": diagnostic.data,
        },
    )


def related_information(hop: Related, index: LineIndex, encoding: str, uri: str) -> types.DiagnosticRelatedInformation:
    """One hop of a chain (ASY200). In another file, whose text the server may not hold, the column
    is sent as counted in code points (the same in every encoding on ASCII lines)."""
    if hop.path is None:
        point = Range(hop.line, hop.column, hop.line, hop.column)
        location = types.Location(uri=uri, range=index.to_client(point, encoding))
    else:
        position = types.Position(line=hop.line, character=hop.column)
        location = types.Location(uri=from_fs_path(hop.path) or hop.path, range=types.Range(start=position, end=position))
    return types.DiagnosticRelatedInformation(location=location, message=hop.message)


# ------------------------------------------------------------------------------------- push


def publish(ls: AsyncguideServer, document: Document) -> None:
    document.publish_task = None
    ensure_linted(ls, document)
    unread = versions.unread_versions(ls, document)
    if unread is not None:  # published once the versions are read, never first for the wrong one
        unread.waiting.add(document)
        return
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=document.uri, version=document.version, diagnostics=to_lsp(ls, document))
    )
    ls.diagnostics_delivered(document)
    schedule_resolution(ls, document)


def schedule_publish(ls: AsyncguideServer, document: Document, delay_ms: float) -> None:
    """Publish after ``delay_ms``, replacing a publish still waiting: rapid edits publish once."""
    if document.publish_task is not None:
        document.publish_task.cancel()
        document.publish_task = None
    if ls.shut_down:
        return
    if delay_ms <= 0:
        publish(ls, document)
        return
    document.publish_task = asyncio.get_running_loop().create_task(_publish_later(ls, document, delay_ms / 1000))


async def _publish_later(ls: AsyncguideServer, document: Document, delay: float) -> None:
    await asyncio.sleep(delay)
    if ls.documents.get(document.uri) is document:
        publish(ls, document)


def document_opened(ls: AsyncguideServer, document: Document) -> None:
    if not ls.pull_diagnostics:
        publish(ls, document)


def document_changed(ls: AsyncguideServer, document: Document) -> None:
    if not ls.pull_diagnostics:
        schedule_publish(ls, document, ls.editor_settings_for(document.path).debounce_ms)


def document_closed(ls: AsyncguideServer, document: Document) -> None:
    if not ls.pull_diagnostics:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=document.uri, diagnostics=[]))


def relint_open_documents(ls: AsyncguideServer) -> None:
    """Settings changed: bring every open document's diagnostics up to date."""
    if ls.pull_diagnostics:
        if ls.supports("workspace.diagnostics.refresh_support"):
            ls.workspace_diagnostic_refresh(None)
        return
    for document in list(ls.documents.values()):
        schedule_publish(ls, document, 0)


def relint_document(ls: AsyncguideServer, document: Document) -> None:
    """Something only this document depends on changed (cross-module resolution)."""
    document.resolution_generation += 1
    if ls.pull_diagnostics:
        if ls.supports("workspace.diagnostics.refresh_support"):
            ls.workspace_diagnostic_refresh(None)
        return
    schedule_publish(ls, document, 0)


# ------------------------------------------------------------------------------------- pull


def result_id(document: Document) -> str:
    assert document.linted is not None
    return ".".join(str(part) for part in (document.opening, *document.linted))


async def document_diagnostic(ls: AsyncguideServer, params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport:
    document = ls.documents.get(params.text_document.uri)
    if document is None:  # closed, or not a Python document
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    ensure_linted(ls, document)
    unread = versions.unread_versions(ls, document)
    if unread is not None and unread.reading is not None:
        # answered once the versions are read, never first for the wrong one; the event loop
        # serves other requests meanwhile
        await asyncio.shield(unread.reading)
        if ls.documents.get(params.text_document.uri) is not document:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        ensure_linted(ls, document)
    current = result_id(document)
    # (the answer goes out once this returns: the work that waits for it is only scheduled here)
    ls.diagnostics_delivered(document)
    schedule_resolution(ls, document)
    if params.previous_result_id == current:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=current)
    return types.RelatedFullDocumentDiagnosticReport(items=to_lsp(ls, document), result_id=current)
