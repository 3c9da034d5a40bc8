// Package explain is the Explain view: why the network answers what it
// does for the picture the Explore view shows (Host.Picture, OnPicture):
// a map of any method of package explain's table over the picture, for any
// class and place, with its scale and caption; the second opinion's
// Grad-CAM beside it (second.go, Host.Second); the what-if probes and the
// first layer's filters; and "How much to trust this map", package
// trust's checks of the map shown (trust.go).
//
// It imports the library package explain under its own name: the view's
// package and the methods' share the word.
package explain
