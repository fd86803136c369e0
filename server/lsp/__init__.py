"""The pygls language server: a thin adapter from LSP to the engine in asyncguide.rules."""
