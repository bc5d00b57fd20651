-- One editing session in real Neovim with `dpt lsp` as a language server, driven by
-- test_neovim.py through environment variables. With DPT_TEST_START=here it starts and
-- attaches the client itself (0.7 API, no debounce, so each keystroke is one didChange);
-- otherwise the client comes from the init file (the README's set-up) and is only awaited.
local ok, err = pcall(function()
  local file = vim.env.DPT_TEST_FILE
  if vim.env.DPT_TEST_START == "here" then
    local id = vim.lsp.start_client({
      cmd = { vim.env.DPT_TEST_PYTHON, "-m", "dptelemetry", "lsp" },
      name = "dpt",
      root_dir = vim.fn.fnamemodify(file, ":h"),
      flags = { debounce_text_changes = 0 },
    })
    vim.cmd("edit " .. vim.fn.fnameescape(file))
    vim.lsp.buf_attach_client(0, id)
  end
  assert(vim.wait(30000, function()
    for _, client in pairs(vim.lsp.get_active_clients()) do
      if client.name == "dpt" and client.initialized then return true end
    end
    return false
  end, 20), "dpt lsp never initialized")
  vim.cmd("normal! ggA typed") -- six keystrokes at the end of line 1
  vim.cmd("normal! j0dw") -- delete "second " on line 2
  vim.cmd("normal! ggdd") -- delete line 1 with its line break
  vim.cmd("write")
  vim.cmd("bwipeout") -- didClose
end)
if not ok then
  io.stderr:write("neovim session failed: " .. tostring(err) .. "\n")
  vim.cmd("cquit 1")
end
vim.cmd("qall!") -- Neovim sends shutdown, then exit (or SIGTERM after 500 ms)
