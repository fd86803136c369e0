" ale.vim --- Vim end to end: ALE with the configuration of docs/editors/ale-linter.vim and ale.vim
"
"   vim -N -u NONE -i NONE -n -es -S tests/e2e/ale.vim app.py
"
" Loads ALE (Debian's vim-ale, `packadd ale`) and the documented configuration: the linter file
" from $ASYNCGUIDE_E2E_RUNTIME (a runtimepath folder holding ale_linters/python/asyncguide.vim) and
" the vimrc part $ASYNCGUIDE_E2E_CONFIG. Lints the buffer, then runs :ALEFix; then edits each file
" of $ASYNCGUIDE_E2E_FILES (space-separated) and lints it; and writes what it saw as JSON to
" $ASYNCGUIDE_E2E_OUT (tests/e2e/editors.py compares it with what it expects).

let s:seen = {'steps': []}

function! s:Wait(condition) abort
    let l:waited = 0
    while !eval(a:condition) && l:waited < 600
        sleep 100m
        let l:waited += 1
    endwhile
    return eval(a:condition)
endfunction

function! s:Step(name, ok, error) abort
    call add(s:seen.steps, {'name': a:name, 'ok': a:ok ? v:true : v:false, 'error': a:error})
endfunction

let &runtimepath = $ASYNCGUIDE_E2E_RUNTIME . ',' . &runtimepath
filetype plugin on
packadd ale
execute 'source ' . fnameescape($ASYNCGUIDE_E2E_CONFIG)
let g:ale_lint_delay = 0
set filetype=python

call ale#Queue(0)
let s:linted = s:Wait('!ale#engine#IsCheckingBuffer(bufnr("")) && !empty(ale#engine#GetLoclist(bufnr("")))')
call s:Step('lint', s:linted, s:linted ? v:null : 'ALE reported nothing')
let s:seen.diagnostics = map(copy(ale#engine#GetLoclist(bufnr(''))),
\   {_, item -> {'line': item.lnum, 'column': item.col, 'type': item.type, 'text': item.text, 'linter': item.linter_name}})

let s:before = getline(1, '$')
ALEFix
let s:fixed = s:Wait('getline(1, "$") != s:before')
call s:Step('fix', s:fixed, s:fixed ? v:null : ':ALEFix changed nothing')
let s:seen.fixed = join(getline(1, '$'), "\n") . "\n"

" the fixed buffer stays unsaved in the background
set hidden
let s:seen.files = {}
for s:name in split($ASYNCGUIDE_E2E_FILES)
    execute 'edit ' . fnameescape(s:name)
    call ale#Queue(0)
    let s:linted = s:Wait('!ale#engine#IsCheckingBuffer(bufnr("")) && !empty(ale#engine#GetLoclist(bufnr("")))')
    call s:Step('lint ' . s:name, s:linted, s:linted ? v:null : 'ALE reported nothing')
    let s:seen.files[s:name] = map(copy(ale#engine#GetLoclist(bufnr(''))),
    \   {_, item -> {'line': item.lnum, 'code': matchstr(item.text, '^\S\+')}})
endfor

call writefile([json_encode(s:seen)], $ASYNCGUIDE_E2E_OUT)
qa!
