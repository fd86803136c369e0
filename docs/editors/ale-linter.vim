call ale#linter#Define('python', {
\   'name': 'asyncguide',
\   'executable': 'asyncguide',
\   'command': '%e check --stdin-filename %s -',
\   'callback': 'ale#handlers#unix#HandleAsWarning',
\})
