;; asyncguide in Emacs with eglot (built in from Emacs 29; the `eglot' package for 26-28).
(defvar asyncguide-command "asyncguide"
  "The asyncguide executable, or its full path, such as \"/home/me/project/.venv/bin/asyncguide\".")
(if (executable-find asyncguide-command)
    (progn
      (with-eval-after-load 'eglot
        (add-to-list 'eglot-server-programs
                     `((python-mode python-ts-mode) . (,asyncguide-command "serve"))))
      (add-hook 'python-mode-hook #'eglot-ensure)
      (add-hook 'python-ts-mode-hook #'eglot-ensure))
  (display-warning 'asyncguide
                   (format "%s is not an executable: install asyncguide (its docs: Getting started) or set asyncguide-command to its full path"
                           asyncguide-command)))
