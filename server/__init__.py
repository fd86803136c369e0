"""The language server (pygls adapter) and the command line; the engine is asyncguide.rules."""
