;;; One editing session in real Emacs (batch mode) with lsp-mode and the README's set-up,
;;; driven by test_emacs_lsp_mode.py through environment variables: open, edit and save
;;; (emacs_edits.el), close the buffer, wait for the server to store everything, quit.
;;; lsp-mode keeps a server alive after its last buffer closes; Emacs ends it with SIGHUP
;;; when it quits.
(setq make-backup-files nil auto-save-default nil create-lockfiles nil)
(load (expand-file-name "emacs_edits.el" (file-name-directory load-file-name)) nil t)
(defvar dpt nil "The `dpt lsp' workspace.")
(condition-case err
    (progn
      (package-activate-all)                ; what Emacs' start-up does outside batch mode
      ;; What a user answers once per project: lsp-mode asks for the root otherwise.
      (setq lsp-auto-guess-root t
            lsp-session-file (expand-file-name "lsp-session" (getenv "DPT_HOME")))
      (load (getenv "DPT_TEST_INIT") nil t) ; the README's init.el, as written
      (find-file (getenv "DPT_TEST_FILE"))
      ;; lsp-deferred starts lsp when Emacs is next idle, which batch mode never is.
      (mapc #'timer-event-handler (copy-sequence timer-idle-list))
      (with-timeout (60 (error "lsp-mode never initialized dpt lsp"))
        (while (not (setq dpt (seq-find (lambda (workspace)
                                          (and (eq (lsp--workspace-status workspace)
                                                   'initialized)
                                               (eq (lsp--client-server-id
                                                    (lsp--workspace-client workspace))
                                                   'dpt)))
                                        (lsp-workspaces))))
          (accept-process-output nil 0.05)))
      (princ (format "servers: %s\n"
                     (mapconcat (lambda (workspace)
                                  (symbol-name (lsp--client-server-id
                                                (lsp--workspace-client workspace))))
                                (lsp-workspaces) "+")))
      (dpt-test-edit-and-save)
      (kill-buffer)                         ; didClose
      ;; A person's pause before quitting, made exact: lsp-mode sends no shutdown here, so
      ;; the reply to a dpt.flush request is what says that all sent before it is stored.
      (with-lsp-workspace dpt
        (lsp-request "workspace/executeCommand" '(:command "dpt.flush")))
      (kill-emacs 0))
  (error (princ (format "emacs session failed: %S\n" err))
         (kill-emacs 1)))
