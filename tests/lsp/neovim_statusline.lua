-- Real Neovim with the README's set-up and statusline snippet (the init file): wait until
-- the progress Neovim received names the goal, then print it and the evaluated status line.
local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(vim.env.DPT_TEST_FILE))
  local seen = nil
  assert(vim.wait(30000, function()
    for _, progress in ipairs(vim.lsp.util.get_progress_messages()) do
      if progress.name == "dpt" and progress.message and not progress.done then
        seen = progress
        return true
      end
    end
    return false
  end, 50), "no progress from dpt lsp")
  io.stdout:write(string.format("progress: %s | %s | %s\n", seen.title, seen.message,
    tostring(seen.percentage)))
  local line = vim.api.nvim_eval_statusline(vim.o.statusline, {}).str
  io.stdout:write("statusline: " .. line .. "\n")
end)
if not ok then
  io.stderr:write("neovim session failed: " .. tostring(err) .. "\n")
  vim.cmd("cquit 1")
end
vim.cmd("qall!")
