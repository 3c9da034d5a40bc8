// Package ui is the ArtLens desktop app: a Fyne window that shows what the
// network sees in an art image.
//
// The layout follows Fyne's cmd/fyne_demo: each view is built by a function
// in a file of its own (explore.go, explain.go, compare.go, history.go,
// confusion.go, modelview.go), window.go only wires them together (tabs,
// menus, keyboard, dropped files),
// and the app's own theme and small widgets stand apart (theme.go,
// chart.go, featuremaps.go, notice.go, flow.go).
//
// Threading follows Fyne 2.6+: decoding, inference and rendering run in
// goroutines and hand their results back with shell.do (fyne.Do in the app),
// so widgets are only touched on the UI goroutine. Every piece of background
// work is counted in shell.busy, which the --screenshot mode and the tests
// use to know when the window has settled.
package ui
