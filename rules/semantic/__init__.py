"""The parts of the semantic model, one concern a module, behind the facade ``rules/model.py``.

Rules talk to ``SemanticModel`` only; these modules are how it answers. Each part is a small
class that owns its caches; the model makes one of each per module and passes each question on.
A part is given what it needs (the walk's records, other parts), never the model itself, so
that nothing a model holds points back to it (see ``SemanticModel.__init__``); ``context``, whose
answers need the whole model, is passed it with each question.

- ``scopes``: scopes, bindings, functions and classes, as the walk records them (data);
- ``roles``: request handlers, middleware and framework callbacks, as ``rules/handlers.py`` finds them (data);
- ``walk``: the one walk that records them, and ``parent``/``ancestors``/``enclosing_function`` to read its links;
- ``bindings``: the binding a name reads, the names that read a binding, how a value is used;
- ``resolution``: qualified names, instance types and annotation types (they feed each other);
- ``definitions``: the functions and classes of the module an expression names, and class bases;
- ``control_flow``: loops, statement lists, what always runs before what, what may complete;
- ``version_guards``: the Python releases a node may run on, from ``sys.version_info`` tests;
- ``context``: async context, notebook cells, which framework calls a function, labels for messages;
- ``positions``: ``Range``, code-point columns and the source text of nodes;
- ``arguments``: a call's arguments by position or keyword.
"""
