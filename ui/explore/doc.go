// Package explore is the Explore view, the window's first: the pictures
// opened (files, folders, the shipped examples) in a list, and for the one
// selected the picture as given and as the network sees it, the answer
// (answer.go: the test record beside a probability, a sigmoid model's
// labels at the threshold, the calibrated switch), the second opinion's
// answer (second.go) and the feature maps (featuremaps.go, a graph
// model's places through a picker). A map enlarged leads to what its
// filter looks for (lookfor.go, package featviz) and how one of its values
// is computed (valueview.go). Large folders go through collection.Analyse
// and its cache, shared with the Collection view (folder.go).
//
// It is built on the window's host (New) and tells the other views what it
// shows through it: Host.SetPicture (the Explain view explains it) and
// Host.SetPictures (the Compare view picks from them). What it needs of
// the Collection view is the Filters interface, which the shell
// implements.
package explore
