from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity

#: Locale methods that look a message up in the translations: name -> the message arguments
TRANSLATE_METHODS = {"translate": (0, 1), "pgettext": (1, 2)}
LOCALE_FACTORIES = frozenset({"tornado.locale.get", "tornado.locale.Locale.get", "tornado.locale.Locale.get_closest"})


class FormattedTranslationKey(Rule):
    """
    ## What it does
    Finds Tornado `Locale.translate()` / `pgettext()` calls (on `self.locale`,
    `self.user_locale`, or a `tornado.locale.get(...)` result) whose message is built at run time:
    an f-string with values, `"..." % args`, `"...".format(...)` or a concatenation.

    ## Why is this bad?
    `translate` looks its message up, as written, in the translation files (`load_translations`
    CSVs or gettext catalogs). A message with the user's name or a count already filled in is a
    different string on every call: it is never found, so users always see the untranslated
    text, and translators cannot even see the message to translate it.

    ## Example
    ```python
    from tornado import web

    class InboxHandler(web.RequestHandler):
        def get(self):
            count = self.unread_count()
            self.write(self.locale.translate(f"You have {count} messages"))
    ```

    ## Use instead
    ```python
    from tornado import web

    class InboxHandler(web.RequestHandler):
        def get(self):
            count = self.unread_count()
            message = self.locale.translate("You have one message", "You have %(count)d messages", count)
            self.write(message % {"count": count})
    ```

    Translate the fixed message (with its plural form), then fill the values in.

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["TOR037"]`. It found nothing on
    the real-application corpus, and it is not a definite error: an i18n preference: the text is shown,
    only untranslated.

    ## Fix safety
    There is no automatic fix: the message has to get placeholders, and the translations a new key.
    """

    code = "TOR037"
    name = "formatted-translation-key"
    opt_in = True
    framework = "tornado"
    severity = Severity.WARNING
    summary = "Tornado `translate()` given a message formatted at run time"
    guidelines = (Quote("tornado", "Template Rendering", "Use proper i18n integration"),)
    node_types = (ast.Call,)
    callees = frozenset(TRANSLATE_METHODS)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr in TRANSLATE_METHODS and _is_locale(model, func.value)):
            return
        for index in TRANSLATE_METHODS[func.attr]:
            if index < len(node.args) and (how := _formatted(node.args[index])) is not None:
                message = (
                    f"`{model.segment(func)}()` is given a message built with {how}: the filled-in text is never in the "
                    "translations, so it is always shown untranslated; translate the fixed message with placeholders, then format it"
                )
                yield self.diagnostic(node.args[index], model, message)
                return


def _is_locale(model: SemanticModel, expr: ast.expr) -> bool:
    """``self.locale`` / ``self.user_locale`` / ``self.get_user_locale()``-like, or a ``tornado.locale.get(...)`` result."""
    if isinstance(expr, ast.Attribute) and expr.attr in ("locale", "user_locale"):
        return model.uses("tornado")
    if isinstance(expr, ast.Call):
        return model.qualified_name(expr.func) in LOCALE_FACTORIES
    if isinstance(expr, ast.Name):
        binding = model.lookup(expr.id, expr)
        value = binding.value if binding is not None else None
        return isinstance(value, ast.Call) and model.qualified_name(value.func) in LOCALE_FACTORIES
    return False


def _formatted(expr: ast.expr) -> str | None:
    if isinstance(expr, ast.JoinedStr) and any(isinstance(part, ast.FormattedValue) for part in expr.values):
        return "an f-string"
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod) and isinstance(expr.left, ast.Constant):
        return "`%` formatting"
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return "concatenation"
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
        if isinstance(expr.func.value, ast.Constant):
            return "`str.format()`"
    return None
