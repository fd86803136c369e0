from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import ClassInfo, SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.tornado import handler_self

STREAM_REQUEST_BODY = "tornado.web.stream_request_body"
#: what ``self.request`` gives that the streaming mode leaves empty
BODY_ATTRIBUTES = ("body", "body_arguments", "files")
#: handler methods that read what the streaming mode leaves empty
BODY_METHODS = ("get_body_argument", "get_body_arguments")


class BodyInStreamingHandler(Rule):
    """
    ## What it does
    Finds reads of `self.request.body`, `self.request.body_arguments`, `self.request.files`,
    `self.get_body_argument()` and `self.get_body_arguments()` in a handler class decorated with
    `@tornado.web.stream_request_body`.

    ## Why is this bad?
    With `@stream_request_body`, Tornado hands the body to `data_received(chunk)` piece by piece
    as it arrives and never collects it: `self.request.body` stays empty (`b""`), and the form
    fields and files parsed from the body are never filled in. Code that reads them sees an empty
    upload, and quietly stores or forwards nothing.

    ## Example
    ```python
    from tornado import web

    @web.stream_request_body
    class UploadHandler(web.RequestHandler):
        def data_received(self, chunk):
            pass

        def put(self):
            save_upload(self.request.body)
    ```

    ## Use instead
    ```python
    from tornado import web

    @web.stream_request_body
    class UploadHandler(web.RequestHandler):
        def prepare(self):
            self.upload = open_upload()

        def data_received(self, chunk):
            self.upload.write(chunk)

        def put(self):
            self.upload.close()
    ```

    Or drop `@stream_request_body` when the body is small enough to hold in memory.

    ## Fix safety
    There is no automatic fix: the body has to be consumed in `data_received`.
    """

    code = "TOR029"
    name = "body-in-streaming-handler"
    framework = "tornado"
    severity = Severity.WARNING
    summary = "request body read in a `@stream_request_body` handler, where it is always empty"
    guidelines = (
        Quote("tornado", "Performance Optimization", "Use proper buffer usage"),
        Quote("tornado", "Performance Optimization", "Use appropriate streaming responses"),
    )
    node_types = (ast.Attribute,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Attribute)
        receiver = node.value
        if node.attr in BODY_ATTRIBUTES and isinstance(receiver, ast.Attribute) and receiver.attr == "request":
            class_info = handler_self(model, receiver.value)
            what = f"`self.request.{node.attr}`"
        elif node.attr in BODY_METHODS:
            class_info = handler_self(model, receiver)
            what = f"`self.{node.attr}()`"
        else:
            return
        if class_info is None or not _streams(model, class_info):
            return
        message = (
            f"{what} is always empty in `{class_info.name}`, which is decorated with `@stream_request_body`: "
            "the body goes to `data_received(chunk)` and is never collected; consume it there"
        )
        yield self.diagnostic(node, model, message)


def _streams(model: SemanticModel, class_info: ClassInfo) -> bool:
    """True when the class, or a base class of the module, is decorated with ``@stream_request_body``."""
    for owner in (class_info, *(b for b in model.base_classes(class_info) if isinstance(b, ClassInfo))):
        if any(model.qualified_name(d) == STREAM_REQUEST_BODY for d in owner.node.decorator_list):
            return True
    return False
