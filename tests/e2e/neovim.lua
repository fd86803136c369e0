-- Neovim end to end, run after the configuration of docs/editors/neovim-0.7.lua opened the file:
--   nvim --headless -u docs/editors/neovim-0.7.lua FILE -c "luafile tests/e2e/neovim.lua"
-- Waits for asyncguide's diagnostics, asks for the hover over the first one, applies its quick fix,
-- saves, waits for the diagnostics to clear; then opens each file of $ASYNCGUIDE_E2E_FILES
-- (space-separated) and waits for its diagnostics; and writes what it saw as JSON to
-- $ASYNCGUIDE_E2E_OUT (tests/e2e/editors.py compares it with what it expects).
local TIMEOUT_MS = 60000
local bufnr = vim.api.nvim_get_current_buf()
local seen = { steps = {} }
-- this script runs once Neovim has opened the file: the time to its first diagnostic counts from here
local started = vim.loop.hrtime()

local function client(buffer)
  for _, candidate in pairs(vim.lsp.buf_get_clients(buffer or bufnr)) do
    if candidate.name == "asyncguide" then
      return candidate
    end
  end
  return nil
end

local function step(name, fn)
  local ok, message = pcall(fn)
  table.insert(seen.steps, { name = name, ok = ok, error = ok and vim.NIL or tostring(message) })
  return ok
end

local function run()
  if not step("attach", function()
    assert(vim.wait(TIMEOUT_MS, function() return client() ~= nil and client().initialized end, 50), "no asyncguide client attached")
  end) then return end

  local diagnostic
  if not step("diagnostics", function()
    assert(vim.wait(TIMEOUT_MS, function() return #vim.diagnostic.get(bufnr) > 0 end, 10), "no diagnostics")
    seen.first_diagnostic_ms = math.floor((vim.loop.hrtime() - started) / 1e6)
    seen.diagnostics = {}
    for _, item in ipairs(vim.diagnostic.get(bufnr)) do
      local lsp = item.user_data and item.user_data.lsp or {}
      table.insert(seen.diagnostics, {
        line = item.lnum + 1, column = item.col + 1, message = item.message,
        source = item.source, code = lsp.code, severity = item.severity,
      })
    end
    diagnostic = vim.diagnostic.get(bufnr)[1]
  end) then return end

  local position = { line = diagnostic.lnum, character = diagnostic.col }
  local document = vim.lsp.util.make_text_document_params(bufnr)

  step("hover", function()
    -- what K (vim.lsp.buf.hover()) shows: the floating window's text
    vim.api.nvim_win_set_cursor(0, { diagnostic.lnum + 1, diagnostic.col })
    vim.lsp.buf.hover()
    local float = nil
    assert(vim.wait(TIMEOUT_MS, function()
      for _, window in ipairs(vim.api.nvim_list_wins()) do
        if vim.api.nvim_win_get_config(window).relative ~= "" then
          float = window
        end
      end
      return float ~= nil
    end, 50), "no hover window")
    seen.hover = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(float), 0, -1, false), "\n")
    vim.api.nvim_win_close(float, true)
  end)

  step("code action", function()
    -- what vim.lsp.buf.code_action() sends: the line's diagnostics, in the protocol's form
    local line_diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, diagnostic.lnum)
    local code = diagnostic.user_data.lsp.code
    local params = {
      textDocument = document,
      range = { start = position, ["end"] = { line = diagnostic.end_lnum, character = diagnostic.end_col } },
      context = { diagnostics = line_diagnostics, only = { "quickfix" } },
    }
    local answers, failure = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, TIMEOUT_MS)
    local answer = answers and answers[client().id]
    assert(answer and not answer.err, "textDocument/codeAction failed: " .. vim.inspect(answers or failure))
    local actions = answer.result or {}
    seen.actions = vim.tbl_map(function(action) return action.title end, actions)
    local fix = nil
    for _, action in ipairs(actions) do
      if vim.startswith(action.title, code .. ":") then
        fix = action
      end
    end
    assert(fix, "no quick fix for " .. code)
    if fix.edit == nil then -- the server computes edits lazily, on codeAction/resolve
      local resolved = client().request_sync("codeAction/resolve", fix, TIMEOUT_MS, bufnr)
      assert(resolved and resolved.result, "codeAction/resolve failed")
      fix = resolved.result
    end
    assert(fix.edit, "the quick fix has no edit")
    vim.lsp.util.apply_workspace_edit(fix.edit, client().offset_encoding)
    vim.cmd("write")
  end)

  step("diagnostics cleared", function()
    assert(vim.wait(TIMEOUT_MS, function() return #vim.diagnostic.get(bufnr) == 0 end, 50), "the diagnostics stayed after the fix")
  end)

  seen.files = vim.empty_dict()
  for name in string.gmatch(os.getenv("ASYNCGUIDE_E2E_FILES") or "", "%S+") do
    step("diagnostics of " .. name, function()
      vim.cmd("edit " .. vim.fn.fnameescape(name))
      local buffer = vim.api.nvim_get_current_buf()
      assert(vim.wait(TIMEOUT_MS, function() return client(buffer) ~= nil and #vim.diagnostic.get(buffer) > 0 end, 50), "no diagnostics")
      seen.files[name] = {}
      for _, item in ipairs(vim.diagnostic.get(buffer)) do
        table.insert(seen.files[name], { line = item.lnum + 1, code = item.user_data.lsp.code })
      end
    end)
  end
end

local ok, message = pcall(run)
if not ok then
  table.insert(seen.steps, { name = "script", ok = false, error = tostring(message) })
end
local out = io.open(os.getenv("ASYNCGUIDE_E2E_OUT"), "w")
out:write(vim.fn.json_encode(seen))
out:close()
vim.cmd("qa!")
