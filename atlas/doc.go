// Package atlas lays out a collection on a map, as PixPlot does: each
// picture's features (the values entering the model's output layer, which
// package collection keeps) are placed in two dimensions by UMAP (McInnes,
// Healy and Melville 2018) or Barnes-Hut t-SNE (van der Maaten 2014), so
// that pictures the network sees alike lie close together. A grid layout
// puts the same order into rows and columns without overlap. Clusters of
// the map (k-means on the layout) get a representative picture, the one
// nearest their centre, and a name the user may change.
//
// A Map is computed once per model and set of pictures and kept beside the
// collection's cache (Open, Save), with the names given to its clusters.
//
// Both layouts are written here rather than taken from a library: the one
// Go t-SNE on the module proxy (github.com/danaugrs/go-tsne) is exact, with
// several n×n matrices per iteration (gigabytes and hours for 8,577
// pictures), and no Go UMAP port is on the proxy. The neighbours are found
// exactly, with the engine's matrix product (internal/sgemm).
//
// The package imports no GUI code: the command line and the window share it.
package atlas
