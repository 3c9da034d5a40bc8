package uitest

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/artlens/artlens/internal/prefs"
	"github.com/artlens/artlens/ui/host"
)

// Queue stands in for the UI goroutine in tests: background work posts to
// it, and the test goroutine runs what was posted while it waits. So all
// widget changes happen on the test goroutine, as they would on Fyne's.
type Queue struct {
	mu  sync.Mutex
	fns []func()
}

// Post adds f to the queue; it is the host's Do.
func (q *Queue) Post(f func()) {
	q.mu.Lock()
	q.fns = append(q.fns, f)
	q.mu.Unlock()
}

// Drain runs what was posted, including what that posts, and reports
// whether anything ran.
func (q *Queue) Drain() bool {
	ran := false
	for {
		q.mu.Lock()
		fns := q.fns
		q.fns = nil
		q.mu.Unlock()
		if len(fns) == 0 {
			return ran
		}
		for _, f := range fns {
			f()
		}
		ran = true
	}
}

// WaitFor runs q's posted work until cond holds, failing t after 60 s.
func WaitFor(t testing.TB, q *Queue, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		q.Drain()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Settle waits until no background work is pending (busy is 0 and
// nothing is posted, three times in a row): pictures open, maps drawn,
// charts rendered.
func Settle(t testing.TB, q *Queue, busy *atomic.Int64) {
	t.Helper()
	quiet := 0
	WaitFor(t, q, "the window to settle", func() bool {
		if busy.Load() == 0 && !q.Drain() {
			quiet++
		} else {
			quiet = 0
		}
		return quiet >= 3
	})
}

// Harness is a host on Fyne's test app, in a 1280×800 test window, with
// the test model (TestModel, named "test model"): what a view is built on
// in its own package's tests.
type Harness struct {
	T    testing.TB
	Host *host.Host
	W    fyne.Window
	Q    *Queue
	// Shown lists the views the host was asked to show (Host.ShowView,
	// Host.Show), in order: the shell's tabs are not there.
	Shown []string
}

// New returns a harness whose window is closed at the end of the test.
func New(t testing.TB) *Harness {
	t.Helper()
	test.NewTempApp(t)
	return newHarness(t, test.NewTempWindow(t, nil))
}

// NewClosable returns a harness whose window the test closes itself
// (the test driver does not survive a temporary window closed twice);
// closing it calls the host's OnClose functions, as the shell's does.
func NewClosable(t testing.TB) *Harness {
	t.Helper()
	test.NewTempApp(t)
	return newHarness(t, test.NewWindow(nil))
}

func newHarness(t testing.TB, w fyne.Window) *Harness {
	h := &Harness{T: t, W: w, Q: &Queue{}}
	h.Host = host.New(fyne.CurrentApp(), w, h.Q.Post, prefs.Memory())
	h.Host.SetModel(TestModel(t), "test model")
	h.Host.SetViewShower(func(name string) { h.Shown = append(h.Shown, name) })
	w.SetOnClosed(h.Host.Closed)
	w.Resize(fyne.NewSize(1280, 800))
	return h
}

// Show puts the view's content in the window, laid out at 1280×800.
func (h *Harness) Show(content fyne.CanvasObject) {
	h.W.SetContent(content)
	h.W.Resize(fyne.NewSize(1280, 800))
}

// WaitFor runs posted work until cond holds, failing after 60 s.
func (h *Harness) WaitFor(what string, cond func() bool) {
	h.T.Helper()
	WaitFor(h.T, h.Q, what, cond)
}

// Settle waits until no background work is pending.
func (h *Harness) Settle() {
	h.T.Helper()
	Settle(h.T, h.Q, &h.Host.Busy)
}

// TopDialog returns the dialog on top of the window, or nil.
func (h *Harness) TopDialog() fyne.CanvasObject {
	return h.W.Canvas().Overlays().Top()
}
