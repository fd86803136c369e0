-- asyncguide in Neovim 0.7 to 0.10: one client for every Python buffer.
local asyncguide_client_id = nil

vim.api.nvim_create_autocmd("FileType", {
  pattern = "python",
  callback = function(args)
    if asyncguide_client_id == nil then
      local pyproject = vim.fn.findfile("pyproject.toml", ".;")
      asyncguide_client_id = vim.lsp.start_client({
        name = "asyncguide",
        cmd = { "asyncguide", "serve" },
        root_dir = pyproject ~= "" and vim.fn.fnamemodify(pyproject, ":p:h") or vim.fn.getcwd(),
        init_options = { debounceMs = 150 },
      })
    end
    vim.lsp.buf_attach_client(args.buf, asyncguide_client_id)
  end,
})
