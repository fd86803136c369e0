-- asyncguide in Neovim 0.11 and later.
local asyncguide = "asyncguide" -- or its full path, such as "/home/me/project/.venv/bin/asyncguide"
if vim.fn.executable(asyncguide) == 1 then
  vim.lsp.config("asyncguide", {
    cmd = { asyncguide, "serve" },
    filetypes = { "python" },
    root_markers = { "pyproject.toml", ".git" },
    init_options = { debounceMs = 150 },
  })
  vim.lsp.enable("asyncguide")
else
  vim.notify(asyncguide .. " is not an executable: install asyncguide (its docs: Getting started) "
    .. "or set its full path at the top of this configuration", vim.log.levels.WARN)
end
