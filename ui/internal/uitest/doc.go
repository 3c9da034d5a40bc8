// Package uitest holds what the window's tests share: a queue standing in
// for the UI goroutine, a harness that builds one view on a host in a test
// window (Fyne's test app), the test model, pictures and folders of
// pictures written on the fly, and the texts of a widget tree. Only tests
// import it.
package uitest
