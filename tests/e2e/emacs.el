;;; emacs.el --- Emacs end to end: eglot with the configuration of docs/editors/eglot.el  -*- lexical-binding: t -*-
;;
;;   emacs --batch -l tests/e2e/emacs.el
;;
;; Starts as an interactive Emacs would (packages activated, then the init file
;; $ASYNCGUIDE_E2E_CONFIG), visits $ASYNCGUIDE_E2E_FILE, waits for eglot to connect and for flymake
;; to show asyncguide's diagnostics, asks eldoc for the documentation at the first one (what the
;; echo area and M-x eldoc-doc-buffer show: the hover, and flymake's message when eldoc composes
;; them), applies its quick fix as M-x eglot-code-actions does when the user picks it, saves, waits
;; for the diagnostics to clear; then visits each file of $ASYNCGUIDE_E2E_FILES (space-separated,
;; beside the first) and waits for its diagnostics; and writes what it saw as JSON to
;; $ASYNCGUIDE_E2E_OUT (tests/e2e/editors.py compares it with what it expects).

(require 'json)
(require 'seq)
(require 'subr-x)

(defconst e2e-timeout 60 "Seconds to wait for each step.")
(defvar e2e-seen (list (cons 'steps nil)))
(defvar e2e-started nil "When the first file was visited, as `float-time'.")
(defvar e2e-eldoc-shown nil "The documentation items eldoc displayed last, as strings.")

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

(defun e2e-visit (file)
  "Visit FILE as C-x C-f does, and run what the command loop runs after a command.
In batch no command loop runs: eglot-ensure connects after the command that visited the file, and
flymake starts checking a buffer when redisplay shows it in a window."
  (find-file file)
  (run-hooks 'post-command-hook)
  (run-window-configuration-change-hook))

(defun e2e-record-eldoc (docs _interactive)
  "A member of `eldoc-display-functions': keep what eldoc displays."
  (setq e2e-eldoc-shown (mapcar #'car docs)))

(defun e2e-code (diagnostic)
  "The LSP code of a flymake DIAGNOSTIC that eglot made."
  (plist-get (alist-get 'eglot-lsp-diag (flymake-diagnostic-data diagnostic)) :code))

(defun e2e-diagnostics ()
  (mapcar (lambda (diagnostic)
            (let ((start (flymake-diagnostic-beg diagnostic)))
              `((line . ,(line-number-at-pos start))
                (column . ,(save-excursion (goto-char start) (1+ (current-column))))
                (type . ,(symbol-name (flymake-diagnostic-type diagnostic)))
                (text . ,(flymake-diagnostic-text diagnostic)))))
          (flymake-diagnostics)))

(defun e2e-hover ()
  "Ask eldoc for the documentation at the first diagnostic, as the user pausing there does."
  (let* ((diagnostic (car (flymake-diagnostics)))
         (link (concat (e2e-code diagnostic) " documentation")))
    (goto-char (flymake-diagnostic-beg diagnostic))
    (add-hook 'eldoc-display-functions #'e2e-record-eldoc t)
    (eldoc-print-current-symbol-info t)
    ;; the hover (it ends with a link to the rule's documentation) comes after flymake's
    ;; message, which eldoc may display first
    (unless (e2e-wait-for (lambda () (seq-some (lambda (doc) (string-search link doc)) e2e-eldoc-shown)))
      (error "eldoc showed no hover (shown: %S)" e2e-eldoc-shown))
    (accept-process-output nil 0.5)
    (setf (alist-get 'hover e2e-seen) (string-join e2e-eldoc-shown "\n\n"))))

(defun e2e-quick-fix ()
  "Apply the first diagnostic's fix as M-x eglot-code-actions does when the user picks it; save."
  (let* ((diagnostic (car (flymake-diagnostics)))
         (prefix (concat (e2e-code diagnostic) ":"))
         ;; picked from the keyboard's menu (completing-read), not the mouse's
         (last-nonmenu-event ?\r)
         (completing-read-function
          (lambda (_prompt items &rest _)
            (let ((titles (mapcar #'car items)))
              (setf (alist-get 'actions e2e-seen) (vconcat titles))
              (or (seq-find (lambda (title) (string-prefix-p prefix title)) titles)
                  (error "no quick fix among %S" titles))))))
    (eglot-code-actions (flymake-diagnostic-beg diagnostic) (flymake-diagnostic-end diagnostic) "quickfix" t)
    (save-buffer)
    (unless (e2e-wait-for (lambda () (null (flymake-diagnostics))))
      (error "the diagnostics stayed after the fix"))))

(defun e2e-file-diagnostics (file)
  "Visit FILE and wait for its diagnostics; their lines and codes."
  (e2e-visit file)
  (unless (e2e-wait-for (lambda () (flymake-diagnostics)))
    (error "flymake shows no diagnostics"))
  (vconcat (mapcar (lambda (diagnostic)
                     `((line . ,(line-number-at-pos (flymake-diagnostic-beg diagnostic)))
                       (code . ,(e2e-code diagnostic))))
                   (flymake-diagnostics))))

(defun e2e-run ()
  (package-initialize)
  (load (getenv "ASYNCGUIDE_E2E_CONFIG"))
  (setq e2e-started (float-time))
  (e2e-visit (getenv "ASYNCGUIDE_E2E_FILE"))
  (and
   (e2e-step "connect" (lambda ()
                         (unless (e2e-wait-for (lambda () (eglot-current-server)))
                           (error "eglot did not connect"))
                         (setf (alist-get 'server e2e-seen)
                               (plist-get (eglot--server-info (eglot-current-server)) :name))))
   (e2e-step "diagnostics" (lambda ()
                             (unless (e2e-wait-for (lambda () (flymake-diagnostics)))
                               (error "flymake shows no diagnostics"))
                             (setf (alist-get 'first_diagnostic_ms e2e-seen)
                                   (round (* 1000 (- (float-time) e2e-started))))
                             (setf (alist-get 'diagnostics e2e-seen) (e2e-diagnostics))))
   (e2e-step "hover" #'e2e-hover)
   (e2e-step "quick fix" #'e2e-quick-fix))
  (let ((folder (file-name-directory (getenv "ASYNCGUIDE_E2E_FILE"))))
    (dolist (name (split-string (or (getenv "ASYNCGUIDE_E2E_FILES") "")))
      (e2e-step (concat "diagnostics of " name)
                (lambda ()
                  (push (cons name (e2e-file-diagnostics (expand-file-name name folder)))
                        (alist-get 'files e2e-seen)))))))

(condition-case failure
    (e2e-run)
  (error (e2e-step "script" (lambda () (signal (car failure) (cdr failure))))))
(setf (alist-get 'steps e2e-seen) (nreverse (alist-get 'steps e2e-seen)))
(with-temp-file (getenv "ASYNCGUIDE_E2E_OUT")
  (insert (json-encode e2e-seen)))
(kill-emacs 0)
