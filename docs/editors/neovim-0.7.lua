-- asyncguide in Neovim 0.7 to 0.10: one client for every Python buffer.
local asyncguide = "asyncguide" -- or its full path, such as "/home/me/project/.venv/bin/asyncguide"
local asyncguide_client_id = nil
local asyncguide_missing_said = false

vim.api.nvim_create_autocmd("FileType", {
  pattern = "python",
  callback = function(args)
    if vim.fn.executable(asyncguide) ~= 1 then
      if not asyncguide_missing_said then
        asyncguide_missing_said = true
        vim.notify(asyncguide .. " is not an executable: install asyncguide (its docs: Getting started) "
          .. "or set its full path at the top of this configuration", vim.log.levels.WARN)
      end
      return
    end
    if asyncguide_client_id == nil then
      local pyproject = vim.fn.findfile("pyproject.toml", ".;")
      asyncguide_client_id = vim.lsp.start_client({
        name = "asyncguide",
        cmd = { asyncguide, "serve" },
        root_dir = pyproject ~= "" and vim.fn.fnamemodify(pyproject, ":p:h") or vim.fn.getcwd(),
        init_options = { debounceMs = 150 },
      })
    end
    if asyncguide_client_id ~= nil then
      vim.lsp.buf_attach_client(args.buf, asyncguide_client_id)
    end
  end,
})
