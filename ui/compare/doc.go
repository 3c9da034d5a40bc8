// Package compare is the Compare view: two to four of the pictures opened
// in the Explore view side by side, as the study's Figures 4-7 (their
// answers, their Grad-CAMs and the same filters' maps on one colour scale
// per layer, saved as PNG with Save figure…), and, in its second mode, one
// picture under several explanation methods, each map on its own scale
// (methods.go).
//
// It is built on the window's host (New) and knows the pictures only
// through it (Host.Pictures and OnPictures), never through the Explore
// view.
package compare
