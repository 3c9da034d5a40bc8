package train

import (
	"context"
	"errors"
	"fmt"
	"image"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"

	"github.com/artlens/artlens/dataset"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
	"github.com/artlens/artlens/internal/fynefile"
	"github.com/artlens/artlens/picture"
	"github.com/artlens/artlens/plots"
	"github.com/artlens/artlens/training"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

// The networks the Train view offers.
const (
	netStudy    = "The study's network (64×64 pictures, 5 conv layers)"
	netSmall    = "Small and fast (32×32 pictures, 3 conv layers)"
	netResidual = "Small residual (32×32 pictures, 3 blocks with skip connections)"
	netFile     = "An architecture file…"
	netFineTune = "Fine-tune the loaded model (a new last layer)"
)

// sizeOwn is the input size choice that keeps the network's own.
const sizeOwn = "the network's own"

// sizeChoices are the input sizes offered: the network's own, or one of
// training.Sizes ("64 × 64").
func sizeChoices() []string {
	out := []string{sizeOwn}
	for _, n := range training.Sizes {
		out = append(out, fmt.Sprintf("%d × %d", n, n))
	}
	return out
}

// batchRedraw is the least time between two redraws of the per-batch
// chart and the status line, so that drawing never slows training.
const batchRedraw = time.Second

// View is the Train view: a folder of class folders, a network and its
// settings, and the network learning live. The training itself is
// training.Train, the command's; the view only draws what it reports.
// Its methods are called on the UI goroutine.
type View struct {
	s       *host.Host
	content fyne.CanvasObject
	saveTo  string // Begin's Save: where a finished run's model is written

	dir                     string
	folder, counts, warning *widget.Label
	classes                 *classEditor // classes made in the window
	cat                     catChoice    // a catalogue whose field can make the classes
	network                 *widget.RadioGroup
	archPath                string
	size                    *widget.Select
	epochs, lr              *widget.Entry
	batch, valShare         *widget.Select
	augment                 *widget.Check
	hints                   settingHints
	scanned                 *dataset.Data // the latest scan's pictures (nil while reading or after an error)

	startB, stopB, resumeB, saveB, exploreB *widget.Button
	status                                  *widget.Label

	loss, acc, batches, confusion *widgets.Chart
	slider                        *widget.Slider
	epochLabel                    *widget.Label
	pictures                      *widget.Select
	filters, maps, cam            *canvas.Image
	cell                          *widget.Label

	cacheDir string // the data cache ("" the user's, "-" none: tests)
	// epochHook, when set (tests), is called on the training goroutine
	// after each epoch with the run's cancel function, as a press of Stop
	// at that moment would.
	epochHook func(epoch int, cancel context.CancelFunc)
	run       *trainRun
	shown     int // the epoch the slider shows (1-based; 0 none)
	drawGen   int
	scanGen   int // the latest scan: an older one's counts are stale
}

// trainRun is one training run: its settings, its data, and what it has
// reported so far. Fields are used on the UI goroutine only.
type trainRun struct {
	cfg      training.Config
	dataCfg  dataset.Config
	arch     engine.Arch // set once the model is built
	classes  []string
	base     *engine.Model // the model fine-tuned, or nil
	data     *dataset.Data
	ckDir    string
	cancel   context.CancelFunc
	running  bool
	finished bool
	failed   bool          // it ended with an error: nothing to resume
	final    *engine.Model // the trained model once Train returned
	recipe   map[string]string
	setup    string // View.setup when it started: whose pace it measures

	epochs    []training.EpochReport
	losses    []float64 // every step's loss
	steps     int       // steps per epoch
	lastDraw  time.Time
	closed    *atomic.Bool // the window closed: the run's folder is removed
	startedAt time.Time
}

// New builds the Train view on the host h.
func New(s *host.Host) *View {
	v := &View{s: s}
	v.folder = widget.NewLabel("No folder opened: a folder holding one folder of pictures per class.")
	v.folder.Wrapping = fyne.TextWrapWord
	v.counts = widget.NewLabel("")
	v.counts.Wrapping = fyne.TextWrapWord
	v.warning = widget.NewLabel("")
	v.warning.Wrapping = fyne.TextWrapWord
	v.warning.Importance = widget.WarningImportance
	v.counts.Hide()
	v.warning.Hide()
	open := widget.NewButtonWithIcon("Open folder…", theme.FolderOpenIcon(), func() { s.PickFolder(v.openFolder) })
	v.classes = newClassEditor(v)
	newSet := widget.NewButtonWithIcon("New classes…", theme.FolderNewIcon(), v.classes.newSetDialog)
	v.newCatChoice()
	catB := widget.NewButtonWithIcon("Catalogue…", theme.FileIcon(), func() {
		s.PickFile([]string{".csv", ".jsonl", ".ndjson", ".json"}, func(err error) { showText(v.cat.line, "Could not open the catalogue: "+oneLine(err)) },
			func(path string) { v.setCatalogue(path, true) })
	})

	v.network = widget.NewRadioGroup([]string{netStudy, netSmall, netResidual, netFile, netFineTune}, func(choice string) {
		if choice == netFile && v.archPath == "" {
			s.PickFile([]string{".json"}, func(err error) { v.status.SetText("Could not open the architecture file: " + err.Error()) },
				func(path string) {
					v.archPath = path // the network's line names it
					if v.dir != "" {
						v.scan()
					}
					v.explain()
				})
		}
		if v.dir != "" {
			v.scan()
		}
		v.explain()
	})
	v.network.Selected = netSmall
	v.size = widget.NewSelect(sizeChoices(), func(string) {
		if v.dir != "" {
			v.scan()
		}
		v.explain()
	})
	v.size.Selected = sizeOwn

	v.epochs = widget.NewEntry()
	v.epochs.SetText("10")
	v.lr = widget.NewEntry()
	v.lr.SetText("0.001")
	v.batch = widget.NewSelect([]string{"8", "16", "32", "64", "128"}, func(string) { v.explain() })
	v.batch.Selected = "32"
	v.valShare = widget.NewSelect([]string{"10%", "20%", "30%"}, func(string) {
		if v.dir != "" {
			v.scan()
		}
		v.explain()
	})
	v.valShare.Selected = "20%"
	v.augment = widget.NewCheck("flips and small shifts", func(bool) { v.explain() })
	v.augment.Checked = true
	v.epochs.OnChanged = func(string) { v.explain() }
	v.lr.OnChanged = func(string) { v.explain() }
	v.hints = newSettingHints()
	settings := widget.NewForm(
		widget.NewFormItem("Epochs", container.NewVBox(v.epochs, v.hints.epochs)),
		widget.NewFormItem("Learning rate", container.NewVBox(v.lr, v.hints.lr)),
		widget.NewFormItem("Batch size", container.NewVBox(v.batch, v.hints.batch)),
		widget.NewFormItem("Augmentation", container.NewVBox(v.augment, v.hints.augment)),
		widget.NewFormItem("Validation", container.NewVBox(v.valShare, v.hints.valShare)),
	)

	v.startB = widget.NewButtonWithIcon("Start", theme.MediaPlayIcon(), v.start)
	v.startB.Importance = widget.HighImportance
	v.stopB = widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), v.stop)
	v.resumeB = widget.NewButtonWithIcon("Resume", theme.MediaReplayIcon(), v.resume)
	v.saveB = widget.NewButtonWithIcon("Save…", theme.DocumentSaveIcon(), v.saveDialog)
	v.exploreB = widget.NewButtonWithIcon("Open in Explore", theme.SearchIcon(), v.openInExplore)
	v.status = widget.NewLabel("Open a folder of class folders or make new classes, choose a network, and press Start.")
	v.status.Truncation = fyne.TextTruncateEllipsis

	left := container.NewVBox(
		widget.NewLabelWithStyle("Pictures", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewGridWithColumns(2, open, newSet), v.folder,
		container.NewBorder(nil, nil, catB, nil, container.NewBorder(nil, nil, widget.NewLabel("Classes from"), nil, v.cat.from)), v.cat.line,
		v.classes.content, v.counts, v.warning,
		widget.NewLabelWithStyle("Network", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		v.network, v.hints.network,
		container.NewBorder(nil, nil, widget.NewLabel("Input size"), nil, v.size),
		v.hints.size,
		widget.NewLabelWithStyle("Settings", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		settings,
	)
	leftScroll := container.NewVScroll(left)
	leftScroll.SetMinSize(fyne.NewSize(330*s.Zoom(), 0))

	v.loss, v.acc, v.batches, v.confusion = widgets.NewChart(s, 0), widgets.NewChart(s, 0), widgets.NewChart(s, 0), widgets.NewChart(s, 0)
	v.slider = widget.NewSlider(1, 1)
	v.slider.Step = 1
	v.slider.OnChanged = func(f float64) { v.showEpoch(int(f)) }
	v.epochLabel = widget.NewLabel("")
	v.pictures = widget.NewSelect(nil, func(string) { v.drawEpoch() })
	img := func() *canvas.Image {
		c := canvas.NewImageFromImage(nil)
		c.FillMode = canvas.ImageFillContain
		c.ScaleMode = canvas.ImageScalePixels
		c.SetMinSize(fyne.NewSize(150*s.Zoom(), 150*s.Zoom()))
		return c
	}
	v.filters, v.maps, v.cam = img(), img(), img()
	v.cell = widget.NewLabel("Click a cell of the confusion matrix to list its pictures.")
	v.cell.Wrapping = fyne.TextWrapWord
	caption := func(text string, o fyne.CanvasObject) fyne.CanvasObject {
		return container.NewBorder(widget.NewLabelWithStyle(text, fyne.TextAlignCenter, fyne.TextStyle{Bold: true}), nil, nil, nil, o)
	}
	curves := container.NewGridWithColumns(3, v.batches, v.loss, v.acc)
	inside := container.NewGridWithColumns(2, caption("Layer 1's filters", v.filters),
		caption("Layer 1's feature maps", v.maps), caption("Grad-CAM (last conv layer)", v.cam))
	epochBar := container.NewBorder(nil, nil, v.epochLabel, container.NewHBox(widget.NewLabel("Picture:"), v.pictures), v.slider)
	conf := container.NewBorder(nil, v.cell, nil, nil, widgets.NewTapArea(v.confusion, v.tapped))
	lower := container.NewHSplit(conf, inside)
	lower.Offset = 0.55
	split := container.NewVSplit(curves, container.NewBorder(epochBar, nil, nil, nil, lower))
	split.Offset = 0.42
	toolbar := container.NewBorder(nil, nil, container.NewHBox(v.startB, v.stopB, v.resumeB, v.saveB, v.exploreB), nil, v.status)
	right := container.NewBorder(toolbar, nil, nil, nil, split)
	v.content = container.NewBorder(nil, nil, leftScroll, nil, right)
	s.OnStyle(v.loss.Invalidate, v.acc.Invalidate, v.batches.Invalidate, v.confusion.Invalidate)
	s.OnClose(v.closed)
	s.OnModel(v.explain)
	v.buttons()
	v.explain()
	return v
}

// Content is the view, for the window's tab.
func (v *View) Content() fyne.CanvasObject { return v.content }

// OpenFolder makes dir (a folder of class folders, dropped onto the view)
// the data and counts its classes.
func (v *View) OpenFolder(dir string) { v.openFolder(dir) }

// DropAt takes pictures dropped at pos (window coordinates) onto the view:
// onto a class made in the window, they are copied into it (see
// classEditor.drop). It reports whether it took them; a drop it does not
// take (a model among the files, no set of classes open) is the window's
// to handle.
func (v *View) DropAt(pos fyne.Position, uris []fyne.URI) bool {
	var paths []string
	for _, u := range uris {
		if u != nil && u.Scheme() == "file" && !host.IsModelFile(u.Path()) {
			paths = append(paths, u.Path())
		}
	}
	return len(paths) > 0 && len(paths) == len(uris) && v.classes.drop(pos, paths)
}

// openFolder makes dir the data and counts its classes.
func (v *View) openFolder(dir string) {
	v.dir = dir
	v.folder.SetText("Folder: " + dir)
	v.classes.open(dir)
	v.folderOpened(dir)
	v.scan()
}

// settings returns the data configuration and the network the controls
// describe, or why they cannot be used.
func (v *View) settings() (dataset.Config, engine.Arch, *engine.Model, error) {
	var arch engine.Arch
	var base *engine.Model
	switch v.network.Selected {
	case netStudy:
		arch = engine.StudyArch()
	case netSmall:
		arch = training.SmallArch()
	case netResidual:
		arch = training.SmallResidualArch()
	case netFile:
		if v.archPath == "" {
			return dataset.Config{}, arch, nil, errors.New("choose an architecture file (JSON, as 'artlens summary --arch' prints)")
		}
	case netFineTune:
		if v.s.Model() == nil {
			return dataset.Config{}, arch, nil, errors.New("no model is loaded to fine-tune")
		}
		base = v.s.Model()
		arch = base.Arch()
	default:
		return dataset.Config{}, arch, nil, errors.New("choose a network")
	}
	size := 0
	if v.size.Selected != sizeOwn && v.network.Selected != netFineTune {
		size, _ = strconv.Atoi(strings.Fields(v.size.Selected)[0])
	}
	share, _ := strconv.Atoi(strings.TrimSuffix(v.valShare.Selected, "%"))
	cfg, err := training.FolderConfig(v.dir, nil, float64(share)/100, v.cacheDir)
	if v.field() != "" {
		cfg, err = v.labelConfig(float64(share) / 100)
	}
	if err != nil {
		return cfg, arch, nil, err
	}
	if v.network.Selected == netFile {
		if arch, err = engine.ReadArch(v.archPath, len(cfg.Classes)); err != nil {
			return cfg, arch, nil, err
		}
	}
	if arch, err = training.Resize(arch, size); err != nil {
		return cfg, arch, nil, err
	}
	return cfg, arch, base, nil
}

// scan reads the folder in the background for the chosen network and shows
// the count per class and the warnings.
func (v *View) scan() {
	v.scanGen++
	gen := v.scanGen
	cfg, arch, _, err := v.settings()
	if err != nil {
		showText(v.counts, "")
		showText(v.warning, err.Error())
		return
	}
	showText(v.counts, "Reading the pictures…")
	showText(v.warning, "")
	v.scanned = nil
	v.explain()
	v.s.Busy.Add(1)
	go func() {
		data, err := training.LoadData(cfg, arch.Input, nil)
		v.s.Do(func() {
			defer v.s.Busy.Add(-1)
			if gen != v.scanGen {
				return // the settings changed meanwhile
			}
			if err != nil {
				showText(v.counts, "")
				showText(v.warning, oneLine(err))
				return
			}
			v.showCounts(data)
		})
	}()
}

// showText sets l's text and hides l while it is empty, so that an empty
// line leaves no gap.
func showText(l *widget.Label, text string) {
	l.SetText(text)
	if text == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

// oneLine is err's message without the package prefix.
func oneLine(err error) string {
	msg := err.Error()
	for _, p := range []string{"dataset: ", "training: ", "engine: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return strings.ToUpper(msg[:1]) + msg[1:] + "."
}

func (v *View) showCounts(data *dataset.Data) {
	v.scanned = data
	v.explain()
	var b strings.Builder
	fmt.Fprintf(&b, "%d classes:", len(data.Classes))
	for _, c := range data.Classes {
		n := data.Report.Counts[c]
		fmt.Fprintf(&b, "\n  %s: %d pictures (%d for training, %d held out)", c, n[0]+n[1]+n[2], n[0], n[1])
	}
	showText(v.counts, b.String())
	w := data.Report.Warnings()
	if len(data.Classes) < 2 {
		w = append([]string{"A network needs at least two classes to tell apart: add a folder per class."}, w...)
	}
	showText(v.warning, strings.Join(w, "\n"))
}

// buttons enables what the state allows.
func (v *View) buttons() {
	r := v.run
	running := r != nil && r.running
	set := func(b *widget.Button, on bool) {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	set(v.startB, !running)
	set(v.stopB, running)
	set(v.resumeB, r != nil && !running && !r.finished && !r.failed)
	set(v.saveB, r != nil && len(r.epochs) > 0)
	set(v.exploreB, r != nil && len(r.epochs) > 0)
}

// trainConfig is the recipe the controls set: the study's (Adam, constant
// rate, last epoch) with their epochs, rate, batch and augmentation, as
// 'artlens train --recipe study --epochs N --lr R --batch B [--augment]'
// makes it.
func (v *View) trainConfig() (training.Config, error) {
	cfg := training.StudyRecipe()
	epochs, err := strconv.Atoi(strings.TrimSpace(v.epochs.Text))
	if err != nil || epochs < 1 || epochs > 1000 {
		return cfg, fmt.Errorf("epochs: %q is not a whole number from 1 to 1000", v.epochs.Text)
	}
	lr, err := strconv.ParseFloat(strings.TrimSpace(v.lr.Text), 64)
	if err != nil || !(lr > 0 && lr < 1) {
		return cfg, fmt.Errorf("learning rate: %q is not a number between 0 and 1", v.lr.Text)
	}
	batch, _ := strconv.Atoi(v.batch.Selected)
	cfg.Epochs, cfg.LearningRate, cfg.Batch, cfg.Augment = epochs, lr, batch, v.augment.Checked
	cfg.Workers = min(runtime.NumCPU(), 2)
	cfg.FineTune = v.network.Selected == netFineTune
	return cfg, nil
}

// start begins a new run with the controls' settings.
func (v *View) start() {
	if v.dir == "" {
		v.status.SetText("Open a folder of class folders first.")
		return
	}
	cfg, err := v.trainConfig()
	if err != nil {
		v.status.SetText(err.Error())
		return
	}
	dcfg, arch, base, err := v.settings()
	if err != nil {
		v.status.SetText(oneLine(err))
		return
	}
	ck, err := os.MkdirTemp("", "artlens-train-")
	if err != nil {
		v.status.SetText("No folder for the checkpoints: " + err.Error())
		return
	}
	if old := v.run; old != nil && !old.running {
		os.RemoveAll(old.ckDir)
	}
	cfg.CheckpointDir = ck
	v.run = &trainRun{cfg: cfg, dataCfg: dcfg, arch: arch, base: base, ckDir: ck, closed: new(atomic.Bool), startedAt: time.Now(), setup: v.setup()}
	v.shown = 0
	v.loss.SetPlot(nil)
	v.acc.SetPlot(nil)
	v.batches.SetPlot(nil)
	v.confusion.SetPlot(nil)
	v.filters.Image, v.maps.Image, v.cam.Image = nil, nil, nil
	v.slider.Max, v.slider.Value = 1, 1
	v.slider.Refresh()
	v.epochLabel.SetText("")
	v.goOn()
}

// resume goes on with a stopped run from its last checkpoint.
func (v *View) resume() {
	if r := v.run; r != nil && !r.running && !r.finished {
		// The stopped epoch starts again: its steps are dropped.
		r.losses = r.losses[:min(len(r.losses), len(r.epochs)*r.steps)]
		v.goOn()
	}
}

// stop ends the run after the current batch; its finished epochs stay.
func (v *View) stop() {
	if r := v.run; r != nil && r.running {
		r.cancel()
		v.status.SetText("Stopping after this batch…")
	}
}

// closed stops a run when the window closes and removes its checkpoints.
func (v *View) closed() {
	if r := v.run; r != nil {
		r.closed.Store(true)
		if r.running {
			r.cancel()
		} else {
			os.RemoveAll(r.ckDir)
		}
	}
}

// goOn runs training.Train in the background: from the start, or from the
// run's checkpoint when it has one (as the command resumes).
func (v *View) goOn() {
	r := v.run
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel, r.running = cancel, true
	cfg := r.cfg
	cfg.Stop = ctx.Done()
	cfg.OnBatch = func(b training.BatchReport) {
		v.s.Do(func() { v.batchDone(r, b) })
	}
	v.status.SetText("Reading the pictures…")
	v.buttons()
	v.s.Busy.Add(1)
	go func() {
		m, data, err := prepareRun(r, v.s.Do, v.status)
		if err == nil {
			hook := v.epochHook
			cfg.OnEpoch = func(e training.EpochReport) {
				recipe := maps.Clone(m.Meta.Training) // set by Train before its first step
				v.s.Do(func() { r.recipe = recipe; v.epochDone(r, e) })
				if hook != nil {
					hook(e.Epoch.Epoch, cancel)
				}
			}
			arch := m.Arch()
			v.s.Do(func() {
				r.data, r.classes, r.arch = data, data.Classes, arch
				v.picturesOf(data)
				v.showCounts(data)
			})
			err = training.Train(m, data, cfg)
		}
		if r.closed.Load() {
			os.RemoveAll(r.ckDir)
		}
		v.s.Do(func() {
			defer v.s.Busy.Add(-1)
			cancel()
			v.runEnded(r, m, err)
		})
	}()
}

// prepareRun loads the run's data and builds its model (off the UI
// goroutine), saying how far it got on status through do.
func prepareRun(r *trainRun, do func(func()), status *widget.Label) (*engine.Model, *dataset.Data, error) {
	var last time.Time
	data, err := training.LoadData(r.dataCfg, r.arch.Input, func(done, total int) {
		if time.Since(last) > batchRedraw || done == total {
			last = time.Now()
			do(func() { status.SetText(fmt.Sprintf("Reading the pictures: %d of %d", done, total)) })
		}
	})
	if err != nil {
		return nil, nil, err
	}
	if r.base != nil {
		m, err := training.FineTuneModel(r.base, data.Classes, r.cfg.Seed)
		return m, data, err
	}
	m, err := engine.NewModelArch(r.arch, data.Classes, r.cfg.Seed)
	return m, data, err
}

// picturesOf offers the validation pictures for the feature maps and
// Grad-CAM.
func (v *View) picturesOf(data *dataset.Data) {
	names := slices.Clone(data.Val.Paths)
	keep := v.pictures.Selected
	v.pictures.SetOptions(names)
	if slices.Contains(names, keep) {
		v.pictures.Selected = keep
	} else if len(names) > 0 {
		v.pictures.Selected = names[0]
	}
	v.pictures.Refresh()
}

func (v *View) batchDone(r *trainRun, b training.BatchReport) {
	if r != v.run {
		return
	}
	r.steps = b.Steps
	r.losses = append(r.losses, b.Loss)
	if time.Since(r.lastDraw) < batchRedraw && b.Step < b.Steps {
		return
	}
	r.lastDraw = time.Now()
	v.status.SetText(fmt.Sprintf("Epoch %d of %d, batch %d of %d: loss %.3f, accuracy %.0f%% · %.0f pictures/s · %s left",
		b.Epoch, r.cfg.Epochs, b.Step, b.Steps, b.RunningLoss, 100*b.RunningAccuracy, b.ImagesPerSecond, widgets.FormatDuration(b.Left.Seconds())))
	losses, steps := slices.Clone(r.losses), r.steps
	v.batches.SetPlot(func(th plots.Theme) (*plot.Plot, error) { return plots.BatchLoss(losses, steps, th) })
}

func (v *View) epochDone(r *trainRun, e training.EpochReport) {
	if r != v.run {
		return
	}
	r.epochs = append(r.epochs[:e.Epoch.Epoch-1], e)
	h := r.history()
	v.loss.SetPlot(func(th plots.Theme) (*plot.Plot, error) { return plots.History(h, "loss", 0, th) })
	v.acc.SetPlot(func(th plots.Theme) (*plot.Plot, error) { return plots.History(h, "accuracy", 0, th) })
	v.slider.Max = float64(max(2, len(r.epochs)))
	v.slider.SetValue(float64(len(r.epochs))) // follows training
	v.showEpoch(len(r.epochs))
	v.buttons()
	v.explain() // the epochs' line: the time at this run's pace
}

func (r *trainRun) history() []engine.Epoch {
	h := make([]engine.Epoch, len(r.epochs))
	for i, e := range r.epochs {
		h[i] = e.Epoch
	}
	return h
}

// runEnded shows how the run ended: finished, stopped (its epochs kept)
// or failed; with Begin's Save the finished model is written there.
func (v *View) runEnded(r *trainRun, m *engine.Model, err error) {
	r.running = false
	var stopped *training.StoppedError
	switch {
	case err == nil:
		r.finished, r.final = true, m
		v.status.SetText(fmt.Sprintf("Finished %s in %s. Slide through the epochs, save the model or open it in Explore.",
			widgets.CountNoun(r.cfg.Epochs, "epoch"), widgets.FormatDuration(time.Since(r.startedAt).Seconds())))
		if path := v.saveTo; path != "" && r == v.run {
			if err := m.SaveFile(path); err != nil {
				v.status.SetText("Could not save the model: " + err.Error())
				v.s.ExitCode.Store(1)
			}
		}
	case errors.As(err, &stopped):
		v.status.SetText(fmt.Sprintf("Stopped during epoch %d; %s kept. Resume goes on from epoch %d exactly.",
			stopped.Epoch, widgets.CountNoun(len(r.epochs), "epoch"), len(r.epochs)+1))
	default:
		r.failed = true
		v.status.SetText("Training failed: " + oneLine(err))
		if v.saveTo != "" {
			v.s.ExitCode.Store(1)
		}
	}
	v.buttons()
}

// showEpoch shows epoch k (1-based) of the run: its confusion matrix, and
// the filters, feature maps and Grad-CAM of its weights.
func (v *View) showEpoch(k int) {
	r := v.run
	if r == nil || k < 1 || k > len(r.epochs) {
		return
	}
	v.shown = k
	e := r.epochs[k-1].Epoch
	v.epochLabel.SetText(fmt.Sprintf("Epoch %d of %d: validation accuracy %.1f%%", k, len(r.epochs), 100*e.ValAccuracy))
	ev, err := r.evaluation(k)
	if err == nil {
		v.confusion.SetPlot(func(th plots.Theme) (*plot.Plot, error) { return plots.Confusion(ev, false, th) })
	}
	v.drawEpoch()
}

// evaluation is the validation evaluation of epoch k.
func (r *trainRun) evaluation(k int) (engine.Evaluation, error) {
	if r.data == nil {
		return engine.Evaluation{}, errors.New("no data")
	}
	return engine.NewEvaluation(r.classes, r.data.Val.Y, r.epochs[k-1].ValPredicted)
}

// epochModel is the model of epoch k, with the history up to it and its
// validation results: what Save writes and Explore opens.
func (r *trainRun) epochModel(k int) (*engine.Model, error) {
	weights := make([][]float32, len(r.epochs[k-1].Weights))
	for i, w := range r.epochs[k-1].Weights {
		weights[i] = slices.Clone(w)
	}
	m, err := engine.NewModelWeights(r.arch, r.classes, weights)
	if err != nil {
		return nil, err
	}
	m.Meta.History = r.history()[:k]
	m.Meta.BestEpoch = k
	m.Meta.DataFingerprint = r.data.Fingerprint
	m.Meta.Training = maps.Clone(r.recipe)
	if ev, err := r.evaluation(k); err == nil {
		m.Meta.Validation = &ev
	}
	return m, nil
}

// drawEpoch draws the shown epoch's filters, and the chosen picture's
// feature maps and Grad-CAM, in the background.
func (v *View) drawEpoch() {
	r := v.run
	if r == nil || v.shown < 1 || r.data == nil {
		return
	}
	m, err := r.epochModel(v.shown)
	if err != nil {
		return
	}
	idx := slices.Index(r.data.Val.Paths, v.pictures.Selected)
	var input []float32
	if idx >= 0 {
		input = r.data.Val.Image(idx)
	}
	v.drawGen++
	gen := v.drawGen
	v.s.Busy.Add(1)
	go func() {
		filters, maps, cam := epochImages(m, input)
		v.s.Do(func() {
			defer v.s.Busy.Add(-1)
			if gen != v.drawGen {
				return
			}
			for _, p := range []struct {
				c   *canvas.Image
				img image.Image
			}{{v.filters, filters}, {v.maps, maps}, {v.cam, cam}} {
				p.c.Image = p.img
				p.c.Refresh()
			}
		})
	}()
}

// epochImages draws m's first-layer filters, and the layer-1 feature maps
// and Grad-CAM (last conv layer, predicted class) of input (nil for none).
func epochImages(m *engine.Model, input []float32) (filters, maps, cam image.Image) {
	if ps := m.Params(); len(ps) > 0 {
		if img, err := plots.FilterPatches(ps[0], 8, 4); err == nil {
			filters = img
		}
	}
	if input == nil {
		return filters, nil, nil
	}
	p, err := m.Predict(input)
	if err != nil || len(p.Activations) == 0 {
		return filters, nil, nil
	}
	if img, err := plots.FeatureGrid(p.Activations[0], plots.GridOptions{Title: " ", Scale: 2}); err == nil {
		maps = img
	}
	in := m.Input()
	if mp, err := explain.GradCAM(m, input, len(p.Activations), p.Class); err == nil {
		base := picture.FromInputShape(input, in.Channels, in.Width, in.Height)
		if img, err := plots.Overlay(base, mp.Values, mp.Width, mp.Height, 0, 1, 0.5); err == nil {
			cam = img
		}
	}
	return filters, maps, cam
}

// tapped lists the pictures of the confusion cell under pos.
func (v *View) tapped(pos fyne.Position) {
	r, c := v.run, v.confusion
	if r == nil || v.shown < 1 || c.Image().Image == nil {
		return
	}
	ev, err := r.evaluation(v.shown)
	if err != nil {
		return
	}
	local := pos.Subtract(c.Image().Position())
	size := c.Image().Size()
	p, err := plots.Confusion(ev, false, plots.Light)
	if err != nil || size.Width <= 0 || size.Height <= 0 {
		return
	}
	px := c.Drawn().Px
	truth, pred, ok := plots.ConfusionCell(p, len(ev.Classes), px.X, px.Y, c.Drawn().DPI,
		float64(local.X/size.Width)*float64(px.X), float64(local.Y/size.Height)*float64(px.Y))
	if ok {
		v.showCell(truth, pred)
	}
}

// showCell lists the validation pictures of class truth that the shown
// epoch took for pred.
func (v *View) showCell(truth, pred int) {
	r := v.run
	var names []string
	for i, p := range r.epochs[v.shown-1].ValPredicted {
		if r.data.Val.Y[i] == truth && p == pred {
			names = append(names, r.data.Val.Paths[i])
		}
	}
	what := fmt.Sprintf("%s taken for %s", r.classes[truth], r.classes[pred])
	if truth == pred {
		what = r.classes[truth] + " recognised"
	}
	text := fmt.Sprintf("Epoch %d, %s: %s", v.shown, what, widgets.CountNoun(len(names), "picture"))
	if len(names) > 0 {
		text += ": " + strings.Join(names, ", ")
	}
	v.cell.SetText(text)
}

// openInExplore makes the shown epoch's model the app's model.
func (v *View) openInExplore() {
	r := v.run
	if r == nil || v.shown < 1 {
		return
	}
	m, err := r.epochModel(v.shown)
	if err != nil {
		v.status.SetText(oneLine(err))
		return
	}
	v.s.SetModel(m, fmt.Sprintf("trained on %s, epoch %d", filepath.Base(v.dir), v.shown))
	v.s.ShowView("explore")
}

// saveDialog asks where to write the shown epoch's model.
func (v *View) saveDialog() {
	if v.run == nil || v.shown < 1 {
		return
	}
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			if err != nil {
				v.status.SetText("Could not save: " + err.Error())
			}
			return
		}
		path := wc.URI().Path()
		fynefile.Release(wc) // SaveFile writes it, atomically
		v.save(path)
	}, v.s.Window())
	d.SetFileName(filepath.Base(v.dir) + "-epoch" + strconv.Itoa(v.shown) + host.ModelExtension)
	d.SetFilter(storage.NewExtensionFileFilter([]string{host.ModelExtension}))
	v.s.ShowFileDialog(d)
}

// save writes the shown epoch's model to path (atomically), with its
// history and validation results.
func (v *View) save(path string) {
	m, err := v.run.epochModel(v.shown)
	if err == nil {
		err = m.SaveFile(path)
	}
	if err != nil {
		v.status.SetText("Could not save the model: " + err.Error())
		return
	}
	v.s.Notice.Post(host.NoticeInfo, fmt.Sprintf("Saved epoch %d's model as %s.", v.shown, path))
}

// Start is what 'artlens --view train FOLDER' asks of the view: train on
// Dir at once.
type Start struct {
	Dir string
	// Arch is "small", "small-residual", "study", an architecture file or
	// "" for the default.
	Arch string
	// Epochs is 0 for the default, Size 0 for the network's own (else one
	// of training.Sizes).
	Epochs, Size int
	// Classes, "NAME=PATH" each, make Dir a new set of classes with the
	// pictures of PATH copied into class NAME before training.
	Classes []string
	// Save, when set, is the weights file written once training has
	// finished; the exit code is 1 when nothing is written.
	Save string
}

// Begin opens st.Dir and starts training at once (artlens --view train).
func (v *View) Begin(st Start) {
	v.saveTo = st.Save
	v.begin(st.Dir, st.Arch, st.Epochs, st.Size, st.Classes)
}

// begin opens dir and starts training at once, with the network arch
// (see Start), epochs and size, after making the classes of classes (see
// Start) in dir when there are any.
func (v *View) begin(dir, arch string, epochs, size int, classes []string) {
	switch arch {
	case "":
	case "small":
		v.network.SetSelected(netSmall)
	case "small-residual":
		v.network.SetSelected(netResidual)
	case "study":
		v.network.SetSelected(netStudy)
	default:
		v.archPath = arch
		v.network.SetSelected(netFile)
	}
	if epochs > 0 {
		v.epochs.SetText(strconv.Itoa(epochs))
	}
	if size > 0 {
		v.size.SetSelected(fmt.Sprintf("%d × %d", size, size))
	}
	run := func() {
		v.dir = dir
		v.folder.SetText("Folder: " + dir)
		v.classes.open(dir)
		v.folderOpened(dir)
		v.start()
		if v.run == nil && v.saveTo != "" {
			v.s.ExitCode.Store(1) // nothing will be saved
		}
	}
	if len(classes) > 0 {
		v.classes.make(dir, classes, run)
		return
	}
	run()
}
