// Package host is what the window's views share, and all a view may know of
// the window around it: the shell (package ui) makes one Host and hands it
// to every view's constructor; views import host (and ui/widgets), never
// the shell or each other.
//
// The methods a view needs are named plainly, so that a view can declare the
// small interface it uses and *Host satisfies it:
//
//	Do(func())                          run on the UI goroutine (from background work)
//	Later(func())                       run on the UI goroutine after the current event
//	Model() *engine.Model               the current model (nil when none could be loaded)
//	ModelName() string                  its name in the window
//	OnModelChange(func(*engine.Model))  called after the model changed (OnModel: without it)
//	SetModel(m, name)                   make m the current model (the Train view's result)
//	Window() fyne.Window, App() fyne.App
//	Show(view, path string, img image.Image)  select a view and have it show a picture
//	ShowView(view string)               select a view (the names of ui.Views)
//	Zoom(), Dark(), PixelScale(), ChartTheme(), OnStyle(func())  the zoom and theme
//	Notice                              the notice bar (Post, PostDetails, Dismiss)
//	ShowError, ShowText                 modal dialogs
//	PickFile, PickFolder, ShowFileDialog, SaveInBackground, LastDir  file dialogs
//	Prefs                               what the app remembers between runs
//	Busy, ExitCode                      background work pending; the exit code
//	OnClose(func())                     called when the window closes
//	Picture(), OnPicture(func(*Picture))  the picture the Explore view shows (SetPicture)
//	Pictures(), OnPictures(func())      the pictures it has opened (SetPictures)
//	Second(), SecondName(), OnSecond(func())  the second opinion (SetSecond)
//	Showing(view string) bool           whether a view is the one showing
//	AnswerLine, OutputsOf, Shown        outputs in words, as shown (output.go)
//
// A view that can be asked to show a picture registers itself with
// Serve(view, func(path, img)); Show is how one view sends the user to
// another (the Collection view's "Open in Explore", say) without knowing it.
//
// A Picture (picture.go) is one picture opened: its file, the network's
// input, preview and answer; LoadPicture, ReadAgain, LoadPreview and
// InputFor read it, and say when the file changed since (ErrChanged).
//
// Threading follows Fyne 2.6+: decoding, inference and rendering run in
// goroutines and hand their results back with Do, so widgets are only
// touched on the UI goroutine. Every piece of background work is counted
// in Busy, which the --screenshot mode and the tests use to know when the
// window has settled.
package host
