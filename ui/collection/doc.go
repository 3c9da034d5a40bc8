// Package collection is the Collection view: a whole folder tree of
// pictures at once, analysed in the background on every core (package
// collection of the library, imported here under the same name). It shows
// a table of every picture with the network's answer, its filters and
// sorting, CSV and JSON export, and beside it the tabs Accuracy (the
// labelled pictures' confusion matrix, a sigmoid model's table per label),
// Filter (the pictures that excite a filter most), Similar, Map (the
// collection laid out by UMAP or t-SNE, lasso and clusters), Trust (which
// explanation method to trust on these pictures), Catalogue (the
// collection's own catalogue, joined to its pictures) and, with a second
// model, Two models.
//
// New builds it on the window's host (package ui/host) with Options, what
// the shell tells it of the command line and who hears of new answers on
// the test set (Options.TestAnswers); the second model is the host's second
// opinion (Host.Second), and SecondChanged analyses the collection again. It sends the user to Explore with
// Host.Show; the shell reaches it through View's exported methods (the
// menus, dropped folders, --view collection FOLDER, --catalogue, the
// Confusion view's cells through ui/confusion_link.go, Explore's "Pictures
// that excite this filter", the Live view's top pictures). It imports
// ui/host and ui/widgets, never the shell or another view.
package collection
