// Package graphdraw draws a network's graph as a class can follow it: its
// layers one per row in the order they run, each a box with its name, its
// kind and its output shape; the main path (the longest from the input to
// the output) in the left column and the side branches (a ResNet's
// downsampling, an inception's other branches) in a column to its right;
// an edge between rows that follow each other straight, a skip connection
// that jumps over rows curved on the left of the column, and an edge
// between the columns as a curve across the gap between them.
//
// Blocks are found from the names the file carries: a join (an Add or a
// Concat) named "layer1.0" makes a block of every layer whose name starts
// with "layer1.0.", and the names of the same pattern beside it
// ("features.2" beside a join "features.3") are blocks too; the outermost
// block wins, so a DenseNet's dense block holds its dense layers. A block
// is framed, or folded into one row.
//
// Lay works out the drawing (positions in points, no drawing library
// involved), so that tests can count its edges; Draw paints it on a gonum
// vg canvas, and SVG and PNG write it through gonum's vgsvg and vgimg, so
// that one drawing code makes both files and the window's picture.
package graphdraw
