;;; flycheck.el --- Emacs end to end: flycheck with the configuration of docs/editors/flycheck.el  -*- lexical-binding: t -*-
;;
;;   emacs --batch -l tests/e2e/flycheck.el
;;
;; Activates the installed packages (Debian's elpa-flycheck), loads $ASYNCGUIDE_E2E_CONFIG, visits
;; $ASYNCGUIDE_E2E_FILE in python-mode with flycheck-mode on, lets flycheck choose its checker and
;; check the buffer; does the same with each file of $ASYNCGUIDE_E2E_FILES (space-separated, beside
;; the first); and writes what it saw as JSON to $ASYNCGUIDE_E2E_OUT (tests/e2e/editors.py compares
;; it with what it expects).

(require 'json)
(require 'package)

(defun e2e-check (file)
  "Visit FILE and let flycheck check it; flycheck's errors."
  (find-file file)
  (python-mode)
  (flycheck-mode 1)
  (flycheck-buffer)
  (let ((deadline (+ (float-time) 60)))
    (while (and (flycheck-running-p) (< (float-time) deadline))
      (accept-process-output nil 0.05)))
  flycheck-current-errors)

(defun e2e-run ()
  (add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
  (package-initialize)
  (load (getenv "ASYNCGUIDE_E2E_CONFIG"))
  (let* ((file (getenv "ASYNCGUIDE_E2E_FILE"))
         (errors (e2e-check file))
         (seen `((checker . ,(symbol-name (or (flycheck-get-checker-for-buffer) 'none)))
                 (diagnostics . ,(vconcat
                                  (mapcar (lambda (err)
                                            `((line . ,(flycheck-error-line err))
                                              (column . ,(flycheck-error-column err))
                                              (level . ,(symbol-name (flycheck-error-level err)))
                                              (checker . ,(symbol-name (flycheck-error-checker err)))
                                              (code . ,(flycheck-error-id err))
                                              (message . ,(flycheck-error-message err))))
                                          errors)))
                 (files . ,(mapcar (lambda (name)
                                     (cons name (vconcat
                                                 (mapcar (lambda (err)
                                                           `((line . ,(flycheck-error-line err))
                                                             (code . ,(flycheck-error-id err))))
                                                         (e2e-check (expand-file-name name (file-name-directory file)))))))
                                   (split-string (or (getenv "ASYNCGUIDE_E2E_FILES") "")))))))
    (with-temp-file (getenv "ASYNCGUIDE_E2E_OUT")
      (insert (json-encode seen)))))

(e2e-run)
