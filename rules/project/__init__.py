"""The project layer: blocking calls followed across functions and modules.

- ``summary``: a module's summary, read off the ``SemanticModel`` its lint built;
- ``modules``: which module a file is, from the project's source roots;
- ``index``: the summaries linked: name resolution, the search for blocking chains, and the
  answers to "is this imported callee a coroutine function?";
- ``build``: the index of a project on disk, with the on-disk cache (``cache``);
- ``once``, ``start_up``: what blocks at most once per process, or only on the way to an error,
  and is not followed or reported.

Rules reach the index through ``SemanticModel.project`` (a ``ProjectView``), set by
``lint(..., project=...)``; without one, ``ASY200`` follows the helpers of the document itself.
"""
