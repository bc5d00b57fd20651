" One editing session in real Vim 9 with ALE and the README's set-up (loaded with -u), driven
" by test_vim_ale.py through environment variables: what the Neovim session does, then close
" the buffer and quit. Vim runs in silent Ex mode (-es), where `:sleep` still runs ALE's
" timers and job callbacks; after each edit it fires the TextChanged event Vim fires after a
" change in Normal mode, on which ALE sends the whole document (after its 200 ms delay).
function! s:Opened() abort
  for l:conn in values(ale#lsp#GetConnections())
    if l:conn.initialized && !empty(l:conn.open_documents)
      return 1
    endif
  endfor
  return 0
endfunction

function! s:Changed() abort
  doautocmd <nomodeline> TextChanged
  sleep 1
endfunction

function! s:Session() abort
  filetype plugin on
  execute 'edit ' . fnameescape($DPT_TEST_FILE)
  let l:start = reltime()
  while !s:Opened()
    if reltimefloat(reltime(l:start)) > 60
      throw 'ALE never opened the file with dpt lsp'
    endif
    sleep 50m
  endwhile
  normal! ggA typed
  call s:Changed()
  normal! j0dw
  call s:Changed()
  normal! ggdd
  call s:Changed()
  write " ALE sends the unchanged document again, then didSave
  sleep 1
  bwipeout " didClose
  sleep 500m
endfunction

try
  call s:Session()
catch
  verbose echo 'vim session failed: ' . v:exception . ' at ' . v:throwpoint
  cquit 1
endtry
qall! " ALE sends no shutdown: Vim ends the server's job with SIGTERM
