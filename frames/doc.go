// Package frames gives the live mode its pictures and runs the network on
// them as they come.
//
// A Source is anything that gives frames one after another: a camera
// (Linux through V4L2, camera_linux.go; other systems have none in this
// build), an animated GIF or a Motion-JPEG AVI played at its own frame
// rate and looped, a folder of pictures played as a slide show, or
// pictures in memory (Images, for tests). Open turns a --source argument
// into one. Errors say what went wrong in one line: ErrNoCamera, ErrBusy,
// ErrGone (a camera unplugged mid-lesson) and ErrBroken (a file that is
// not a readable video) can be told apart with errors.Is.
//
// Run is the live loop: a reader goroutine keeps only the latest frame,
// so the network never falls behind the source (frames it had no time
// for are counted as dropped), and every kept frame gets the answer, the
// chosen layers' maps and Grad-CAM. It imports no GUI code: the command
// `artlens live` and the window's live view share it.
package frames
