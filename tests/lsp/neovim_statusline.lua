-- Real Neovim with the README's set-up and statusline snippet (the init file): wait until
-- the status line shows the goal, then print it and, on 0.7-0.9, the progress Neovim
-- received (`get_progress_messages()`, which the 0.7 snippet reads).
local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(vim.env.DPT_TEST_FILE))
  local function statusline() return vim.api.nvim_eval_statusline(vim.o.statusline, {}).str end
  assert(vim.wait(30000, function() return statusline():find("Bowling kata", 1, true) ~= nil end, 50),
    "the status line never showed the goal: " .. statusline())
  if vim.fn.has("nvim-0.10") == 0 then
    for _, progress in ipairs(vim.lsp.util.get_progress_messages()) do
      if progress.name == "dpt" and progress.message then
        io.stdout:write(string.format("received: %s | %s | %s\n", progress.title,
          progress.message, tostring(progress.percentage)))
      end
    end
  end
  io.stdout:write("statusline: " .. statusline() .. "\n")
end)
if not ok then
  io.stderr:write("neovim session failed: " .. tostring(err) .. "\n")
  vim.cmd("cquit 1")
end
vim.cmd("qall!")
