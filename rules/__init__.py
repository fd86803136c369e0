"""The asyncguide engine: the semantic model, the rules, and running them. It never imports pygls.

- ``runner.lint(source, codes)``: the diagnostics of one document.
- ``fixes.build_fix`` / ``fixes.fix_all``: fixes, built lazily; "fix all" converges.
- ``config.load_settings(path)``: ``[tool.asyncguide]`` from the nearest ``pyproject.toml``.
- ``registry.all_rules()``: every rule by code; ``registry.select`` chooses codes.
- ``model.SemanticModel``: what rules query (see its module docstring).
- ``guidelines``: the five guideline documents, parsed into bullets.
"""
