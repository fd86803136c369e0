let g:ale_linters = {'python': ['ruff', 'asyncguide']}

function! AsyncguideFix(buffer) abort
    return {'command': 'asyncguide check --fix --stdin-filename %s -'}
endfunction

execute ale#fix#registry#Add('asyncguide', 'AsyncguideFix', ['python'], 'apply asyncguide''s safe fixes')
let g:ale_fixers = {'python': ['asyncguide']}
