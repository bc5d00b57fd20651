;;; One editing session in real Emacs (batch mode) with eglot and the README's set-up,
;;; driven by test_emacs.py through environment variables. It does what the Neovim
;;; session does (emacs_edits.el), then closes the buffer and shuts the server down.
(setq make-backup-files nil auto-save-default nil create-lockfiles nil)
(load (expand-file-name "emacs_edits.el" (file-name-directory load-file-name)) nil t)
(condition-case err
    (progn
      (package-activate-all)                ; what Emacs' start-up does outside batch mode
      (load (getenv "DPT_TEST_INIT") nil t) ; the README's init.el, as written
      (find-file (getenv "DPT_TEST_FILE"))
      (run-hooks 'post-command-hook)        ; eglot-ensure connects after the next command
      (with-timeout (60 (error "eglot never connected"))
        (while (not (and (eglot-current-server)
                         (eglot--capabilities (eglot-current-server))))
          (accept-process-output nil 0.05)))
      (let ((server (eglot-current-server)))
        (princ (format "server: %s\n" (plist-get (eglot--server-info server) :name)))
        (dpt-test-edit-and-save)
        (kill-buffer)                       ; didClose
        (eglot-shutdown server))
      (kill-emacs 0))
  (error (princ (format "emacs session failed: %S\n" err))
         (kill-emacs 1)))
