"""The language server (pygls adapter) and the command line; the engine is asyncguide.rules."""

__version__ = "0.1.0"
