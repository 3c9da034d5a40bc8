// Package ui is the ArtLens desktop app: a Fyne window that shows what the
// network sees in an art image.
//
// The layout follows Fyne's cmd/fyne_demo: the window's views are listed in
// one table (screens, in window.go), each row a name, a tab and the
// function that builds the view on the host (package ui/host), which is all
// a view knows of the window; shared widgets are in ui/widgets. The
// Explore, Explain, Compare, Collection, History, Model, Confusion, Train
// and Live views are packages of their own (ui/explore, ui/explain,
// ui/compare, ui/collection, ui/history, ui/modelview, ui/confusion,
// ui/train, ui/live), which meet only through the host. window.go wires
// the views together (tabs, menus, keyboard, dropped files), second.go and
// examples.go are the File menu's second opinion and examples, run.go
// starts the app, theme.go holds the theme and zoom.
//
// Threading follows Fyne 2.6+: decoding, inference and rendering run in
// goroutines and hand their results back with Host.Do (fyne.Do in the app),
// so widgets are only touched on the UI goroutine. Every piece of
// background work is counted in Host.Busy, which the --screenshot mode and
// the tests use to know when the window has settled.
package ui
