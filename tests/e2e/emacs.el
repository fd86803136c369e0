;;; emacs.el --- Emacs end to end: eglot with the configuration of docs/editors/eglot.el  -*- lexical-binding: t -*-
;;
;;   emacs --batch -l tests/e2e/emacs.el
;;
;; Starts as an interactive Emacs would (packages activated, then the init file
;; $ASYNCGUIDE_E2E_CONFIG), visits $ASYNCGUIDE_E2E_FILE, waits for eglot to connect and for flymake
;; to show asyncguide's diagnostics, asks for the hover over the first one, and writes what it saw
;; as JSON to $ASYNCGUIDE_E2E_OUT (tests/e2e/editors.py compares it with the command line tool).

(require 'json)
(require 'subr-x)

(defconst e2e-timeout 60 "Seconds to wait for each step.")
(defvar e2e-seen (list (cons 'steps nil)))

(defun e2e-wait-for (predicate)
  "Process input until PREDICATE holds; nil when `e2e-timeout' passed first."
  (let ((deadline (+ (float-time) e2e-timeout)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))

(defun e2e-step (name function)
  "Run FUNCTION as the step NAME, recording whether it worked; return non-nil when it did."
  (let ((error-text (condition-case failure (progn (funcall function) nil)
                      (error (error-message-string failure)))))
    (push `((name . ,name) (ok . ,(if error-text :json-false t)) (error . ,error-text))
          (alist-get 'steps e2e-seen))
    (null error-text)))

(defun e2e-diagnostics ()
  (mapcar (lambda (diagnostic)
            (let ((start (flymake-diagnostic-beg diagnostic)))
              `((line . ,(line-number-at-pos start))
                (column . ,(save-excursion (goto-char start) (1+ (current-column))))
                (type . ,(symbol-name (flymake-diagnostic-type diagnostic)))
                (text . ,(flymake-diagnostic-text diagnostic)))))
          (flymake-diagnostics)))

(defun e2e-run ()
  (package-initialize)
  (load (getenv "ASYNCGUIDE_E2E_CONFIG"))
  (find-file (getenv "ASYNCGUIDE_E2E_FILE"))
  ;; eglot-ensure connects after the command that visited the file; in batch no command runs.
  (run-hooks 'post-command-hook)
  (and
   (e2e-step "connect" (lambda ()
                         (unless (e2e-wait-for (lambda () (eglot-current-server)))
                           (error "eglot did not connect"))
                         (setf (alist-get 'server e2e-seen)
                               (plist-get (eglot--server-info (eglot-current-server)) :name))))
   (e2e-step "diagnostics" (lambda ()
                             (unless (e2e-wait-for (lambda () (flymake-diagnostics)))
                               (error "flymake shows no diagnostics"))
                             (setf (alist-get 'diagnostics e2e-seen) (e2e-diagnostics))))
   (e2e-step "hover" (lambda ()
                       (goto-char (flymake-diagnostic-beg (car (flymake-diagnostics))))
                       (let ((hover (jsonrpc-request (eglot-current-server) :textDocument/hover
                                                     (eglot--TextDocumentPositionParams))))
                         (setf (alist-get 'hover e2e-seen)
                               (plist-get (plist-get hover :contents) :value)))))))

(condition-case failure
    (e2e-run)
  (error (e2e-step "script" (lambda () (signal (car failure) (cdr failure))))))
(setf (alist-get 'steps e2e-seen) (nreverse (alist-get 'steps e2e-seen)))
(with-temp-file (getenv "ASYNCGUIDE_E2E_OUT")
  (insert (json-encode e2e-seen)))
(kill-emacs 0)
