;;; flycheck.el --- Emacs end to end: flycheck with the configuration of docs/editors/flycheck.el  -*- lexical-binding: t -*-
;;
;;   emacs --batch -l tests/e2e/flycheck.el
;;
;; Activates the installed packages (Debian's elpa-flycheck), loads $ASYNCGUIDE_E2E_CONFIG, visits
;; $ASYNCGUIDE_E2E_FILE in python-mode with flycheck-mode on, lets flycheck choose its checker and
;; check the buffer, and writes what it saw as JSON to $ASYNCGUIDE_E2E_OUT (tests/e2e/editors.py
;; compares it with the command line tool).

(require 'json)
(require 'package)

(defun e2e-run ()
  (add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
  (package-initialize)
  (load (getenv "ASYNCGUIDE_E2E_CONFIG"))
  (find-file (getenv "ASYNCGUIDE_E2E_FILE"))
  (python-mode)
  (flycheck-mode 1)
  (flycheck-buffer)
  (let ((deadline (+ (float-time) 60)))
    (while (and (flycheck-running-p) (< (float-time) deadline))
      (accept-process-output nil 0.05)))
  (let ((seen `((checker . ,(symbol-name (or (flycheck-get-checker-for-buffer) 'none)))
                (diagnostics . ,(vconcat
                                 (mapcar (lambda (err)
                                           `((line . ,(flycheck-error-line err))
                                             (column . ,(flycheck-error-column err))
                                             (level . ,(symbol-name (flycheck-error-level err)))
                                             (checker . ,(symbol-name (flycheck-error-checker err)))
                                             (code . ,(flycheck-error-id err))
                                             (message . ,(flycheck-error-message err))))
                                         flycheck-current-errors))))))
    (with-temp-file (getenv "ASYNCGUIDE_E2E_OUT")
      (insert (json-encode seen)))))

(e2e-run)
