// Package prefs keeps what ArtLens remembers between runs (the data set's
// folder) in a small JSON file of its own, written atomically on every
// change, instead of in Fyne's preferences, whose file Fyne truncates and
// rewrites in place and can leave empty when the app quits or is killed
// (Fyne issue #2936: "Preferences load error: Cause: EOF", and what was
// remembered is gone). A damaged file is never silently reset: it is moved
// aside and the caller tells the user where it went.
package prefs
