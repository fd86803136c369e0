-- asyncguide in Neovim 0.11 and later.
vim.lsp.config("asyncguide", {
  cmd = { "asyncguide", "serve" },
  filetypes = { "python" },
  root_markers = { "pyproject.toml", ".git" },
  init_options = { debounceMs = 150 },
})
vim.lsp.enable("asyncguide")
