// Package collection analyses a whole folder of pictures with a model: the
// predicted class of each, where the network errs on a labelled collection
// (accuracy, confusion matrix and the pictures of each cell), which
// pictures excite a filter most (with the receptive field of the peak), and
// which pictures the network takes to resemble each other (cosine
// similarity of the features before its output layer).
//
// Per picture it keeps only what is small (an Item: a few kilobytes), so
// that ten thousand pictures fit in well under a hundred megabytes; the
// pictures themselves are read again from disk when they are shown large.
// Results are cached on disk (Cache), keyed by the model's fingerprint and
// each file's content hash.
//
// The package imports no GUI code: the command line and the window share it.
package collection
