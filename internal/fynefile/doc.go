// Package fynefile makes the files that Fyne's save dialogs write atomic.
// Fyne's file: repository opens the chosen file with os.Create before the
// dialog's callback runs, so an overwritten file is empty until the new
// content is written; Install replaces that repository's writers with
// package atomicfile's, which leave the old file in place until Close.
package fynefile
