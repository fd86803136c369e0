;; asyncguide in Emacs with eglot (built in from Emacs 29; the `eglot' package for 26-28).
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               '((python-mode python-ts-mode) . ("asyncguide" "serve"))))
(add-hook 'python-mode-hook #'eglot-ensure)
(add-hook 'python-ts-mode-hook #'eglot-ensure)
