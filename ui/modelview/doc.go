// Package modelview is the Model view: the current model's layers (the
// study's Figure 1, or a graph's drawing, exported as SVG or PNG), its test
// results, its classes and how it was trained. New builds it on the
// window's host (package ui/host); it is built again when the model, the
// zoom or the theme changes.
package modelview
