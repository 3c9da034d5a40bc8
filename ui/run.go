package ui

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/artlens/artlens/ui/attention"
	liveview "github.com/artlens/artlens/ui/live"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/software"
	"github.com/go-gl/glfw/v3.3/glfw"

	"github.com/artlens/artlens/assets"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
	"github.com/artlens/artlens/internal/atomicfile"
	"github.com/artlens/artlens/internal/fynefile"
	"github.com/artlens/artlens/internal/prefs"
	"github.com/artlens/artlens/training"
	colview "github.com/artlens/artlens/ui/collection"
	"github.com/artlens/artlens/ui/compare"
	explainview "github.com/artlens/artlens/ui/explain"
	"github.com/artlens/artlens/ui/explore"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/train"
	"github.com/artlens/artlens/weights"
)

// Options configures the desktop app.
type Options struct {
	// Version is shown in the About dialog.
	Version string
	// Images are opened at start (files or folders).
	Images []string
	// Model is the model to start with. When nil, LoadModel is called, and
	// when that is nil too, the shipped model (weights.Model) is loaded.
	Model *engine.Model
	// LoadModel loads the model to start with when Model is nil.
	LoadModel func() (*engine.Model, error)
	// Second, when set, is the Explore view's second opinion at start,
	// named SecondName.
	Second     *engine.Model
	SecondName string
	// ModelName names the starting model in the window (the default
	// shipped model's name, "study", when empty).
	ModelName string
	// Screenshot, when set, makes the app capture its window to this PNG
	// file once the window has settled (the images opened and their maps
	// drawn, the charts rendered) or after ScreenshotTimeout, and quit.
	Screenshot string
	// ScreenshotTimeout caps the wait for the window to settle (30 s when 0).
	ScreenshotTimeout time.Duration
	// View is the tab shown first: explore, explain, compare, collection,
	// history, confusion or model. With collection, Images are opened as
	// the collection.
	View string
	// Theme is "light", "dark" or "" (the desktop's choice).
	Theme string
	// Scale is the starting zoom of text and feature maps (1 when 0).
	Scale float32
	// FullScreen starts the window full screen.
	FullScreen bool
	// Show is what the Collection view shows once the collection is
	// analysed (see CollectionShows): "wrong", "disagree", "cell:TRUE:PREDICTED",
	// "filter:LAYER:FILTER" or "similar:FILE NAME"; "" for the table alone.
	Show string
	// DataDir is the folder of the Art Images data set (or its
	// validation_set), whose test pictures a click on the Confusion tab's
	// cells lists; "" for the one chosen last time (in the preferences).
	DataDir string
	// With View "train", Images[0] is a folder of class folders that the
	// Train view opens and starts training on: TrainArch is the network
	// ("small", "study" or an architecture file; "" the view's default),
	// TrainEpochs the epochs (0 the view's default), TrainSize the input
	// size (0 the network's own, else one of training.Sizes), and
	// TrainSave, when set, the weights file written once training has
	// finished.
	TrainArch   string
	TrainEpochs int
	TrainSize   int
	// TrainClasses, "NAME=PATH" each, make Images[0] a new set of classes
	// in the window first (see classEditor): class NAME with the pictures
	// of PATH (a file or folder) copied in, as a drop onto it does.
	TrainClasses []string
	TrainSave    string
	// Preferences is the file of what the app remembers (package prefs);
	// "" keeps it in memory only, as tests do. Run uses prefs.DefaultPath.
	Preferences string
	// Open is a dialog of Explore to open on the first picture once it is
	// analysed (see LookShows): for screenshots and demonstrations.
	Open string
	// Catalogue is the collection's catalogue file (package catalogue),
	// "" for the catalogue.csv in the collection's folder, if any.
	Catalogue string
	// Calibrated starts with calibrated confidence on (View menu); Threshold,
	// when not 0, is a sigmoid model's threshold at start, in (0, 1].
	Calibrated bool
	Threshold  float64
	// Method is the Explain view's method at first (a name of
	// explain.Methods); "" for Grad-CAM. A list, comma-separated, is the
	// methods ticked in Compare's and the Collection's method lists (the
	// first is Explain's).
	Method string
	// RunChecks runs the trust checks once there is something to check: the
	// Explain view's map of the first picture, or (with View collection)
	// the Collection view's "Which map to trust" table.
	RunChecks bool
}

// LookShows describes the values of Options.Open (see explore.LookShows).
const LookShows = explore.LookShows + ", or " + attention.Shows

// Views lists the names Options.View accepts, in tab order.
var Views = viewNames()

// viewNames lists the screens' names, in tab order.
func viewNames() []string {
	names := make([]string, len(screens))
	for i, sc := range screens {
		names[i] = sc.name
	}
	return names
}

// Check reports the first invalid option, as a sentence.
func (o Options) Check() error {
	if o.View != "" && !slices.Contains(Views, o.View) {
		return fmt.Errorf("unknown view %q: use one of %s", o.View, strings.Join(Views, ", "))
	}
	if o.Theme != "" && o.Theme != "light" && o.Theme != "dark" {
		return fmt.Errorf("unknown theme %q: use light or dark", o.Theme)
	}
	if err := colview.CheckShow(o.Show); err != nil {
		return err
	}
	if spec, ok := strings.CutPrefix(o.Open, "attention:"); ok {
		if err := attention.CheckSpec(spec); err != nil {
			return err
		}
	} else if err := explore.CheckOpen(o.Open); err != nil {
		return err
	}
	if o.Method != "" {
		for _, name := range strings.Split(o.Method, ",") {
			if _, err := explain.LookupMethod(name); err != nil {
				return err
			}
		}
	}
	for _, c := range o.TrainClasses {
		if name, path, ok := strings.Cut(c, "="); !ok || name == "" || path == "" {
			return fmt.Errorf("--class %q: give NAME=PATH", c)
		}
	}
	if o.TrainSize != 0 && !slices.Contains(training.Sizes, o.TrainSize) {
		return fmt.Errorf("input size %d is not offered: use one of %v", o.TrainSize, training.Sizes)
	}
	if o.Threshold != 0 {
		if err := engine.CheckThreshold(o.Threshold); err != nil {
			return err
		}
	}
	if o.Scale != 0 && (o.Scale < zoomSteps[0] || o.Scale > zoomSteps[len(zoomSteps)-1]) {
		return fmt.Errorf("zoom %g is out of range: use %g to %g", o.Scale, zoomSteps[0], zoomSteps[len(zoomSteps)-1])
	}
	return nil
}

// Run opens the ArtLens window and returns the process exit code when it
// closes: 0, 1 when a requested screenshot could not be written or the
// window could not open (said in one line on stderr), 2 for invalid
// options. It must be called on the main goroutine.
func Run(opts Options) (code int) {
	if err := opts.Check(); err != nil {
		fmt.Fprintln(os.Stderr, "artlens:", err)
		return 2
	}
	// An X server that is up sometimes refuses a connection (about one
	// start in fifteen under Xvfb, just after another client left): GLFW
	// is tried three times before giving up.
	err := initGLFW()
	for try := 1; err != nil && try < 3; try++ {
		time.Sleep(300 * time.Millisecond)
		err = initGLFW()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "artlens: the window could not open:", err)
		return 1
	}
	var started atomic.Bool
	defer func() {
		// A failure of the windowing system before the window showed
		// (GLFW panics on errors it calls programmer errors) is one line,
		// not a stack trace; a panic later is a bug and stays one.
		if r := recover(); r != nil {
			if started.Load() {
				panic(r)
			}
			fmt.Fprintln(os.Stderr, "artlens: the window could not open:", r)
			code = 1
		}
	}()
	if opts.Preferences == "" {
		opts.Preferences, _ = prefs.DefaultPath()
	}
	// Fyne reads its own preferences file (now only its file dialogs'
	// last folder) in NewWithID and, when an interrupted write left it
	// damaged, logs "Preferences load error" and resets it: it is moved
	// aside first, and said so.
	fyneNotice := ""
	if aside, err := prefs.CheckJSON(fynePreferencesFile(appID)); aside != "" && err == nil {
		fyneNotice = "Fyne's preferences file (the file dialogs' last folder) was damaged; it was moved to " + aside + "."
	}
	log.SetOutput(&fyneLogFilter{w: log.Writer()})
	if os.Getenv("GOGC") == "" {
		// The window keeps an open collection's pictures (a few KB each)
		// while their analysis makes about a megabyte of short-lived
		// garbage per picture: collecting when the heap has grown by half
		// rather than doubled kept the whole data set's analysis at
		// 500 MB resident instead of 700, at no measurable cost in time.
		debug.SetGCPercent(50)
	}
	a := fyneapp.NewWithID(appID)
	a.SetIcon(assets.IconResource())
	w := a.NewWindow("ArtLens")
	w.Resize(fyne.NewSize(1280, 800))
	s := newShell(a, w, opts, fyne.Do)
	s.prefsNotice = strings.TrimSpace(s.prefsNotice + " " + fyneNotice)
	if opts.FullScreen {
		s.toggleFullScreen()
	}
	a.Lifecycle().SetOnStarted(func() {
		started.Store(true)
		s.start()
		if opts.Screenshot != "" {
			s.screenshotWhenSettled(opts.Screenshot, opts.ScreenshotTimeout)
		}
	})
	s.OnClose(s.exitSoon)
	w.ShowAndRun()
	return int(s.ExitCode.Load())
}

// appID is the app's unique ID, as in FyneApp.toml.
const appID = "io.github.artlens.artlens"

// fynePreferencesFile returns where Fyne 2.7 keeps the preferences of the
// app with this ID (its internal/app rootConfigDir, plus the ID).
func fynePreferencesFile(id string) string {
	home, _ := os.UserHomeDir()
	var root string
	switch runtime.GOOS {
	case "darwin":
		root = filepath.Join(home, "Library", "Preferences", "fyne")
	case "windows":
		root = filepath.Join(home, "AppData", "Roaming", "fyne")
	default:
		dir, err := os.UserConfigDir()
		if err != nil {
			return ""
		}
		root = filepath.Join(dir, "fyne")
	}
	return filepath.Join(root, id, "preferences.json")
}

// fyneLogFilter drops Fyne's "Preferences load error" reports (three log
// lines). Fyne watches its preferences folder and reloads the file on every
// change, also while it rewrites the file in place when the app quits, and
// then reads it empty ("Cause: EOF"; under Xvfb in 12 of 30 screenshot
// runs). ArtLens keeps nothing there any more (package prefs), nothing is
// lost by the failed reload, and a file really left damaged is found and
// said at the next start, so the report is only noise.
type fyneLogFilter struct {
	w    io.Writer
	skip int // lines of a dropped report still to come
}

func (f *fyneLogFilter) Write(p []byte) (int, error) {
	line := string(p)
	switch {
	case strings.Contains(line, "Fyne error:  Preferences load error"):
		f.skip = 2
		return len(p), nil
	case f.skip > 0 && (strings.Contains(line, "  Cause: ") || strings.Contains(line, "  At: ")):
		f.skip--
		return len(p), nil
	}
	f.skip = 0
	return f.w.Write(p)
}

// initGLFW initialises GLFW before Fyne does, to tell whether it can. Fyne
// logs a failed initialisation and goes on, and GLFW then panics with
// NotInitialized and a long stack trace; go-gl's Init itself returns nil
// on an X11 error (it logs it), so the error is taken from the log and the
// failure seen from a call that needs GLFW. (Fyne's own Init later does
// nothing: GLFW is initialised once.)
func initGLFW() (err error) {
	var logged strings.Builder
	out, flags := log.Writer(), log.Flags()
	log.SetOutput(&logged)
	log.SetFlags(0)
	defer func() {
		log.SetOutput(out)
		log.SetFlags(flags)
		if r := recover(); r != nil {
			msg := strings.TrimSpace(logged.String())
			if msg == "" {
				msg = fmt.Sprint(r)
			}
			err = errors.New(strings.TrimPrefix(msg, "PlatformError: "))
		} else if logged.Len() > 0 {
			log.Print(logged.String()) // warnings of a GLFW that works
		}
	}()
	if err := glfw.Init(); err != nil {
		return err
	}
	glfw.GetTime() // panics with NotInitialized if Init failed
	return nil
}

// exitSoon ends the process a few seconds after the window closed, should
// Fyne not return from ShowAndRun: in Fyne 2.7.1 a lifecycle event queued
// while the main loop stops can wait forever for it (seen with
// --screenshot under Xvfb, about one run in ten).
func (s *shell) exitSoon() {
	go func() {
		time.Sleep(5 * time.Second)
		os.Exit(int(s.ExitCode.Load()))
	}()
}

// shell is the window: the host the views share (see package host), the
// header, tabs and menus, and the views themselves. Its fields are used on
// the UI goroutine only.
type shell struct {
	*host.Host
	opts     Options
	modelErr error // why the starting model could not be loaded

	header  *header
	tabs    *container.AppTabs
	names   []string // the views' names, in tab order (Views)
	explore *explore.View
	explain *explainview.View
	compare *compare.View
	// collection is the Collection view: a whole folder tree at once.
	collection *collectionView
	confusion  *confusionView
	train      *train.View
	// live is the Live view (package ui/live): a camera, a video or a
	// slide show through the network.
	live *liveview.View
	// attention is the Attention view (package ui/attention).
	attention *attention.View
	menu      *menus

	prefsNotice string // why what it remembered is gone, shown at start
}

// newShell builds the window's content for app a and window w; do posts a
// function to the UI goroutine. The model is loaded here (it takes well
// under a second); images are opened by start.
func newShell(a fyne.App, w fyne.Window, opts Options, do func(func())) *shell {
	fynefile.Install() // the save dialogs' files are written atomically
	store, prefsNotice := prefs.Memory(), ""
	if opts.Preferences != "" {
		var isNew bool
		store, isNew, prefsNotice = prefs.Open(opts.Preferences)
		if isNew {
			// Earlier versions kept the data set's folder in Fyne's
			// preferences: it moves over once.
			if dir := a.Preferences().String(prefDataDir); dir != "" && store.SetString(prefDataDir, dir) == nil {
				a.Preferences().RemoveValue(prefDataDir)
			}
		}
	}
	s := &shell{Host: host.New(a, w, do, store), opts: opts, prefsNotice: prefsNotice}
	zoom := opts.Scale
	if zoom == 0 {
		zoom = 1
	}
	a.Settings().SetTheme(newLensTheme(opts.Theme, zoom))
	s.Host.SetStyle(zoom, opts.Theme)
	s.Host.SetCalibrated(opts.Calibrated) // before the views, which read it when built
	if opts.Threshold != 0 {
		s.Host.SetThreshold(opts.Threshold)
	}
	m, name := opts.Model, opts.ModelName
	if m == nil {
		load := opts.LoadModel
		if load == nil {
			load = weights.Model
		}
		m, s.modelErr = load()
	}
	if name == "" {
		name = weights.Shipped[0].Name
	}
	s.Host.SetModel(m, name)
	if opts.Second != nil {
		s.Host.SetSecond(opts.Second, opts.SecondName)
	}
	// The Collection view analyses its collection again for another
	// second opinion.
	s.OnSecond(func() {
		if s.collection != nil {
			s.collection.secondChanged()
		}
	})
	w.SetIcon(assets.IconResource())
	buildWindow(s)
	w.SetOnClosed(s.Closed)
	return s
}

// start opens the images of the options and reports a model that failed to
// load; it runs once the window is up.
func (s *shell) start() {
	if s.prefsNotice != "" {
		s.ShowError("Preferences", s.prefsNotice)
	}
	if s.modelErr != nil {
		s.ShowError("Could not load the model",
			fmt.Sprintf("%v\n\nOpen a model file with File › Open model… to see predictions.", s.modelErr))
	}
	if spec, ok := strings.CutPrefix(s.opts.Open, "attention:"); ok {
		s.attention.OpenWhenReady(spec)
	} else if s.opts.Open != "" {
		s.explore.OpenWhenReady(s.opts.Open)
	}
	if len(s.opts.Images) > 0 {
		if s.opts.View == "train" {
			s.train.Begin(train.Start{Dir: s.opts.Images[0], Arch: s.opts.TrainArch, Epochs: s.opts.TrainEpochs,
				Size: s.opts.TrainSize, Classes: s.opts.TrainClasses, Save: s.opts.TrainSave})
		} else if s.opts.View == "collection" {
			if s.opts.Catalogue != "" {
				s.collection.OpenCatalogue(s.opts.Catalogue)
			}
			s.collection.Open(s.opts.Images)
		} else if s.opts.View == "attention" {
			s.Show("attention", s.opts.Images[0], nil)
		} else {
			s.explore.Open(s.opts.Images)
		}
	}
}

// setStyle applies a zoom and a theme name and refreshes what depends on
// them.
func (s *shell) setStyle(zoom float32, themeName string) {
	s.App().Settings().SetTheme(newLensTheme(themeName, zoom))
	s.Host.SetStyle(zoom, themeName)
}

// screenshotWhenSettled captures the window to path once no background
// work has been pending for half a second (and at least 1.5 s after the
// start, so the first frames and layouts have happened), or after timeout,
// then quits the app.
func (s *shell) screenshotWhenSettled(path string, timeout time.Duration) {
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	go func() {
		start := time.Now()
		quiet := 0
		for time.Since(start) < timeout {
			time.Sleep(100 * time.Millisecond)
			if s.Busy.Load() == 0 {
				quiet++
			} else {
				quiet = 0
			}
			if quiet >= 5 && time.Since(start) > 1500*time.Millisecond {
				break
			}
		}
		// One more pause so the last results are painted.
		time.Sleep(300 * time.Millisecond)
		s.Do(func() {
			if err := s.capture(path); err != nil {
				fmt.Fprintln(os.Stderr, "artlens: screenshot:", err)
				s.ExitCode.Store(1)
			}
			s.exitSoon()
			s.App().Quit()
		})
	}()
}

// capture writes the window's content as a PNG file.
func (s *shell) capture(path string) error {
	img := s.Window().Canvas().Capture()
	if blank(img) {
		// Some OpenGL drivers (Mesa under Xvfb) give nothing back from the
		// front buffer: draw the window's content in software instead.
		// The menu bar is not part of the content, so it is left out.
		img = s.softwareCapture()
	}
	if img == nil || img.Bounds().Empty() {
		return fmt.Errorf("the window could not be captured")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	return atomicfile.Write(path, 0o644, func(w io.Writer) error { return png.Encode(w, img) })
}

// blank reports whether img is missing or fully transparent.
func blank(img image.Image) bool {
	if img == nil || img.Bounds().Empty() {
		return true
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0 {
				return false
			}
		}
	}
	return true
}

// softwareCapture moves the window's content onto an in-memory canvas of
// the same size and draws it there. The window is left without its content,
// so this is only for the capture that ends the --screenshot mode.
func (s *shell) softwareCapture() image.Image {
	content := s.Window().Content()
	if content == nil {
		return nil
	}
	size := content.Size()
	c := software.NewCanvas()
	c.SetScale(s.Window().Canvas().Scale())
	c.SetPadded(false)
	s.Window().SetContent(canvas.NewRectangle(color.Transparent))
	c.SetContent(content)
	c.Resize(size)
	for _, o := range s.Window().Canvas().Overlays().List() {
		c.Overlays().Add(o)
	}
	return c.Capture()
}
