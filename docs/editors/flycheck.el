(require 'flycheck)

(flycheck-define-checker python-asyncguide
  "Lint async Python web services with asyncguide."
  :command ("asyncguide" "check" "--stdin-filename" source-original "-")
  :standard-input t
  :error-patterns
  ((error line-start (one-or-more (not (any ":"))) ":" line ":" column ": "
          (id "ASG000") " " (message) line-end)
   (warning line-start (one-or-more (not (any ":"))) ":" line ":" column ": "
            (id (= 3 upper) (= 3 digit)) " " (message) line-end))
  :modes (python-mode python-ts-mode))

(add-to-list 'flycheck-checkers 'python-asyncguide)
(flycheck-add-next-checker 'python-asyncguide 'python-flake8)
