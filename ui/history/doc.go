// Package history is the History view: how the current model learned,
// accuracy and loss per epoch on the training and validation pictures (the
// study's Figure 2), and a sentence or two on how training went. New builds
// it on the window's host (package ui/host); it redraws when the model, the
// zoom or the theme changes.
package history
