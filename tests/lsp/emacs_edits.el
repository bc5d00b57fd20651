;;; What every Emacs session does to the test file (tests/lsp/editors.py, TEXT): type
;;; " typed" at the end of line 1, delete "second " on line 2, delete line 1 with its line
;;; break, save. Loaded by the eglot and the lsp-mode session.
(defun dpt-test-edit-and-save ()
  (goto-char (point-min))
  (end-of-line)
  (dolist (c (string-to-list " typed"))
    (insert (char-to-string c))
    (sit-for 0.05))
  (forward-line 1)
  (delete-region (point) (+ (point) (length "second ")))
  (goto-char (point-min))
  (delete-region (point) (progn (forward-line 1) (point)))
  (save-buffer))                        ; didChange (pending changes), then didSave
