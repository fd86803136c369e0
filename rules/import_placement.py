"""Where a fix's new top-level import goes: where isort and ruff's ``I001`` would put it.

The module's leading imports (after its docstring) are read as isort's sections, in order:
``from __future__``, the standard library, everything else (third-party or the project's own:
without the project's layout the two cannot be told apart, and ruff sorts both the same way
within a section), relative imports. A new import joins its section, in sorted position (ruff's
defaults: ``import x`` statements first, then ``from x import y``, each by module name,
case-insensitively); a section of its own is set off by a blank line. A name from a module that
an existing single-line ``from module import ...`` already imports from is added to that
statement, in sorted position, as isort would merge the two.

Only the leading imports are read: an import block after code (or inside ``try``) is left alone,
and so is one whose statements are not in order (the new import goes before the first one that
sorts after it).
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass

from .model import SemanticModel
from .rule import Edit, Range

FUTURE, STANDARD_LIBRARY, OTHER, RELATIVE = range(4)


@dataclass(frozen=True)
class NewImport:
    """``import <module>`` (``name`` None) or ``from <module> import <name>``."""

    module: str
    name: str | None = None

    @property
    def statement(self) -> str:
        return f"import {self.module}" if self.name is None else f"from {self.module} import {self.name}"

    @property
    def section(self) -> int:
        return _module_section(self.module)

    @property
    def key(self) -> tuple[bool, str, str]:
        return (self.name is not None, self.module.lower(), self.module)


def _module_section(module: str) -> int:
    if module == "__future__":
        return FUTURE
    return STANDARD_LIBRARY if module.partition(".")[0] in sys.stdlib_module_names else OTHER


def _section(statement: ast.Import | ast.ImportFrom) -> int:
    if isinstance(statement, ast.ImportFrom):
        return RELATIVE if statement.level else _module_section(statement.module or "")
    return _module_section(statement.names[0].name)


def _key(statement: ast.Import | ast.ImportFrom) -> tuple[bool, str, str]:
    module = statement.module or "" if isinstance(statement, ast.ImportFrom) else statement.names[0].name
    return (isinstance(statement, ast.ImportFrom), module.lower(), module)


def _name_key(name: str) -> tuple[int, str, str]:
    """isort's ``order-by-type``: CONSTANTS, then Classes, then everything else."""
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return (kind, name.lower(), name)


def leading_imports(model: SemanticModel) -> list[ast.Import | ast.ImportFrom]:
    """The module's top-level import statements before its first other statement (its docstring aside)."""
    body = model.tree.body
    index = 1 if body and _is_docstring(body[0]) else 0
    imports: list[ast.Import | ast.ImportFrom] = []
    while index < len(body) and isinstance(body[index], (ast.Import, ast.ImportFrom)):
        imports.append(body[index])  # type: ignore[arg-type]
        index += 1
    return imports


def import_edit(model: SemanticModel, new: NewImport, newline: str) -> Edit:
    """The edit adding ``new`` among the module's leading imports (see the module docstring).
    The caller has checked that the module does not import it already."""
    imports = leading_imports(model)
    if not imports:
        return _insert_before_line(model, _first_code_line(model), new.statement + newline, newline)
    if new.name is not None and (merged := _merge_into_from_import(model, imports, new)) is not None:
        return merged
    same_section = [statement for statement in imports if _section(statement) == new.section]
    later = next((s for s in same_section if _key(s) > new.key), None)
    if later is not None:
        return _insert_before_line(model, _first_line(model, imports, later), new.statement + newline, newline)
    if same_section:
        return _insert_after(model, same_section[-1], newline + new.statement)
    later_section = next((s for s in imports if _section(s) > new.section), None)
    if later_section is not None:
        return _insert_before_line(model, _first_line(model, imports, later_section), new.statement + newline + newline, newline)
    return _insert_after(model, imports[-1], newline + newline + new.statement)


def _merge_into_from_import(model: SemanticModel, imports: list[ast.Import | ast.ImportFrom], new: NewImport) -> Edit | None:
    """An edit adding ``new.name`` to a single-line ``from new.module import ...``, if there is one."""
    assert new.name is not None
    for statement in imports:
        if not (
            isinstance(statement, ast.ImportFrom)
            and statement.level == 0
            and statement.module == new.module
            and statement.lineno == statement.end_lineno
            and all(alias.name != "*" for alias in statement.names)
        ):
            continue
        after = next((alias for alias in statement.names if _name_key(alias.name) > _name_key(new.name)), None)
        if after is not None:
            start = model.range_of(after)
            return Edit(Range(start.start_line, start.start_column, start.start_line, start.start_column), f"{new.name}, ")
        end = model.range_of(statement.names[-1])
        return Edit(Range(end.end_line, end.end_column, end.end_line, end.end_column), f", {new.name}")
    return None


def _insert_before_line(model: SemanticModel, line: int, text: str, newline: str) -> Edit:
    """``text`` (ending with a line break) before the 0-based ``line``."""
    lines = model.lines
    if line >= len(lines):  # after the last line, which has no line break: the break goes first
        end = len(lines[-1])
        return Edit(Range(len(lines) - 1, end, len(lines) - 1, end), newline + text.removesuffix(newline))
    return Edit(Range(line, 0, line, 0), text)


def _insert_after(model: SemanticModel, statement: ast.stmt, text: str) -> Edit:
    """``text`` (starting with a line break) at the end of ``statement``'s last line."""
    end = model.range_of(statement)
    line = model.lines[end.end_line]
    return Edit(Range(end.end_line, len(line), end.end_line, len(line)), text)


def _first_line(model: SemanticModel, imports: list[ast.Import | ast.ImportFrom], statement: ast.stmt) -> int:
    """The 0-based first line of ``statement`` with the comment lines right above it, back to the
    import before it (isort keeps such comments with their import). The first import keeps the
    comments above it where they are: they head the file (a coding line, a licence)."""
    line = statement.lineno - 1
    index = imports.index(statement)  # type: ignore[arg-type]
    if index == 0:
        return line
    floor = imports[index - 1].end_lineno or imports[index - 1].lineno
    while line > floor and model.lines[line - 1].lstrip().startswith("#"):
        line -= 1
    return line


def _first_code_line(model: SemanticModel) -> int:
    """Without leading imports: after the docstring, else before the first statement (after
    comments), else after everything (only comments)."""
    body = model.tree.body
    lines = model.lines
    if not body:
        return len(lines) - 1 if not lines[-1] else len(lines)
    if _is_docstring(body[0]):
        return body[0].end_lineno or body[0].lineno
    decorators = getattr(body[0], "decorator_list", None) or ()
    return min([body[0].lineno, *(d.lineno for d in decorators)]) - 1


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, str)
