// Package plots draws ArtLens's figures without a window: training history
// curves, the confusion matrix of a test evaluation and grids of conv-layer
// feature maps, all as in the study the app accompanies.
//
// Charts are gonum/plot plots; Render writes them as PNG, SVG or PDF and
// Image rasterizes them at a given pixel size and resolution, which is how
// the desktop app redraws them at its window's size. Feature maps are plain
// images: MapImage colours one map with the package's perceptual colour map
// (one pixel per value), Legend draws the matching colour bar and
// FeatureGrid lays out a whole layer with a title, filter numbers and a
// legend. Overlay draws an explanation map (package explain) smoothly over a
// picture at its own size, ExplainFigure frames it with a title and legend,
// FilterPatches shows the first layer's kernels and Comparison puts two to
// four pictures side by side. Reliability draws a reliability diagram
// (package calibration's bins: accuracy per bin of the top probability
// against the diagonal, with the ECE).
//
// Nothing in this package keeps state between calls except read-only tables
// built once (the colour map and the fonts), so its functions may be called
// from several goroutines at once, as long as one *plot.Plot is not drawn
// (Render, Image) by two of them at the same time: drawing a gonum plot
// updates its axes.
package plots
