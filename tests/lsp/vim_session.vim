" One editing session in real Vim 9 with ALE and the README's set-up (loaded with -u), driven
" by test_vim_ale.py through environment variables: what the Neovim session does, then close
" the buffer, wait for the server to store everything, and quit. Vim runs in silent Ex mode (-es), where `:sleep` still runs ALE's
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

let s:flush = {'id': -1, 'done': 0, 'written': 0}

function! s:OnReply(conn_id, response) abort
  if get(a:response, 'id', 0) == s:flush.id
    let s:flush.written = get(get(a:response, 'result', {}), 'written', 0)
    let s:flush.done = 1
  endif
endfunction

" A person's pause before quitting, made exact: ALE sends no shutdown, so the reply to a
" dpt.flush request is what says that all ALE sent before it is stored.
function! s:Flush() abort
  let l:conn_id = keys(ale#lsp#GetConnections())[0]
  call ale#lsp#RegisterCallback(l:conn_id, function('s:OnReply'))
  let s:flush.done = 0
  let s:flush.id = ale#lsp#Send(l:conn_id,
        \ [0, 'workspace/executeCommand', {'command': 'dpt.flush'}])
  call s:WaitFor({-> s:flush.done}, 'dpt lsp never answered dpt.flush')
endfunction

function! s:WaitFor(Done, failure) abort
  let l:start = reltime()
  while !a:Done()
    if reltimefloat(reltime(l:start)) > 60
      throw a:failure
    endif
    sleep 50m
  endwhile
endfunction

" True once the server has stored one more event than at the last look: what ALE sent after
" its delay has landed (waiting on that, not on a fixed sleep, keeps a busy machine from
" merging two edits into one).
let s:stored = 0
function! s:Stored() abort
  call s:Flush()
  if s:flush.written > s:stored
    let s:stored = s:flush.written
    return 1
  endif
  return 0
endfunction

function! s:Changed() abort
  doautocmd <nomodeline> TextChanged
  call s:WaitFor(function('s:Stored'), 'ALE never sent the change')
endfunction

function! s:Session() abort
  filetype plugin on
  execute 'edit ' . fnameescape($DPT_TEST_FILE)
  call s:WaitFor(function('s:Opened'), 'ALE never opened the file with dpt lsp')
  call s:WaitFor(function('s:Stored'), 'dpt lsp never stored the open')
  normal! ggA typed
  call s:Changed()
  normal! j0dw
  call s:Changed()
  normal! ggdd
  call s:Changed()
  write " ALE sends the unchanged document again, then didSave
  call s:WaitFor(function('s:Stored'), 'ALE never sent the save')
  bwipeout " didClose
  call s:Flush()
endfunction

try
  call s:Session()
catch
  verbose echo 'vim session failed: ' . v:exception . ' at ' . v:throwpoint
  cquit 1
endtry
qall! " ALE sends no shutdown: Vim ends the server's job with SIGTERM
