// Package widgets holds the small widgets and layouts that several views
// use: Chart (a gonum plot drawn at its on-screen pixel size, with Save
// PNG…), FlowLayout (left to right, wrapping), SizedBox (content at least
// a given width), the explanation methods' names and tick boxes
// (MethodChecks), a second model's Grad-CAM (GradCAMOf) and the words
// the views share (CountNoun, QuoteNames). It imports ui/host for the zoom, the
// theme's chart colours, the UI goroutine and the save dialogs, and
// nothing of the shell or the views.
package widgets
