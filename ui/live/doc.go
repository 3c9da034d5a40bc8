// Package live is the window's live view: a camera, a video file or a
// slide show run through the network as the frames come (package frames
// runs the loop), with the picture, the answer and its bars, the chosen
// layers' maps and the Grad-CAM overlay redrawn for every kept frame and
// the frames per second shown. Space (or the Pause button) freezes a
// frame, which can be saved as a PNG or opened in the window's other
// views; a click on a map follows that one filter large, beside what it
// looks for (package featviz) and, when the window knows a collection,
// its top pictures.
//
// The view needs little of the window around it: a Host (its window, its
// model, a way to open a picture in another view). New builds it for a
// host; RunWindow opens it alone in a window of its own (`artlens --view
// live`, tests and screenshots).
package live
