package train

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/dataset"
	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/training"
	"github.com/artlens/artlens/ui/host"
	"github.com/artlens/artlens/ui/widgets"
)

// settingHints are the lines under the Train view's settings that say, for
// a student, what each setting does with the value it has now: a value
// that will not train well says so (in the warning colour), and the epochs'
// line gives the time the run will take once a run has shown the pace.
type settingHints struct {
	network, size, epochs, lr, batch, augment, valShare *widget.Label
}

func newSettingHints() settingHints {
	l := func() *widget.Label {
		l := widget.NewLabel("")
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.LowImportance
		l.SizeName = theme.SizeNameCaptionText
		return l
	}
	return settingHints{l(), l(), l(), l(), l(), l(), l()}
}

// hint is one setting's line and whether it warns.
type hint struct {
	text string
	warn bool
}

// Learning rates outside [lrSmall, lrLarge) are said to be too small or
// too large for Adam, whose usual start is lrUsual.
const (
	lrUsual = 0.001
	lrSmall = 0.0001
	lrLarge = 0.01
)

// fewHeldOut is the count of a class's held-out pictures below which its
// validation accuracy moves in steps too large to read.
const fewHeldOut = 5

// explain rewrites every setting's line for the values the controls hold.
func (v *View) explain() {
	own, ownErr := v.ownArch()
	side := 0
	if ownErr == nil {
		side = own.Input.Width
		if n := v.chosenSize(); n > 0 {
			side = n
		}
	}
	train, batch := -1, 0
	if v.scanned != nil {
		train = v.scanned.Train.Len()
	}
	batch, _ = strconv.Atoi(v.batch.Selected)
	for _, p := range []struct {
		l *widget.Label
		h hint
	}{
		{v.hints.network, v.networkHint()},
		{v.hints.size, v.sizeHint(own, ownErr)},
		{v.hints.epochs, epochsHint(v.epochs.Text, train, batch, v.secondsPerPicture())},
		{v.hints.lr, lrHint(v.lr.Text)},
		{v.hints.batch, batchHint(batch, train)},
		{v.hints.augment, augmentHint(v.augment.Checked, side)},
		{v.hints.valShare, valShareHint(v.valShare.Selected, v.scanned)},
	} {
		imp := widget.LowImportance
		if p.h.warn {
			imp = widget.WarningImportance
		}
		if p.l.Text != p.h.text || p.l.Importance != imp {
			p.l.Importance = imp
			p.l.SetText(p.h.text)
		}
	}
}

// ownArch is the chosen network before the input size is applied (an
// error for an architecture file not chosen or not readable, or no model
// to fine-tune).
func (v *View) ownArch() (engine.Arch, error) {
	switch v.network.Selected {
	case netStudy:
		return engine.StudyArch(), nil
	case netSmall:
		return training.SmallArch(), nil
	case netResidual:
		return training.SmallResidualArch(), nil
	case netFile:
		if v.archPath == "" {
			return engine.Arch{}, fmt.Errorf("no architecture file chosen")
		}
		return engine.ReadArch(v.archPath, v.classCount())
	case netFineTune:
		if v.s.Model() == nil {
			return engine.Arch{}, fmt.Errorf("no model is loaded")
		}
		return v.s.Model().Arch(), nil
	}
	return engine.Arch{}, fmt.Errorf("no network chosen")
}

// classCount is the classes of the folder read, or 2 before one is: an
// architecture file's last layer is checked against it.
func (v *View) classCount() int {
	if v.scanned != nil {
		return len(v.scanned.Classes)
	}
	return 2
}

// chosenSize is the side the size control asks for, 0 for the network's
// own (always with fine-tuning, which keeps the model's).
func (v *View) chosenSize() int {
	if v.size.Selected == sizeOwn || v.network.Selected == netFineTune {
		return 0
	}
	n, _ := strconv.Atoi(strings.Fields(v.size.Selected + " ")[0])
	return n
}

func (v *View) networkHint() hint {
	switch v.network.Selected {
	case netStudy:
		return hint{text: "The seed study's network: 5 conv layers on 64 × 64 pictures, each epoch about 15 times as long as the small one's."}
	case netSmall:
		return hint{text: "3 conv layers on 32 × 32 pictures: fast enough to watch a class's pictures being learnt, live."}
	case netResidual:
		return hint{text: "3 residual blocks with batch norm on 32 × 32 pictures: skip connections carry each block's input around it, as in ResNet."}
	case netFile:
		if v.archPath == "" {
			return hint{text: "A network described in a JSON file, as 'artlens summary --arch' prints it: choose the file.", warn: true}
		}
		if _, err := engine.ReadArch(v.archPath, v.classCount()); err != nil {
			return hint{text: oneLine(err), warn: true}
		}
		return hint{text: "The network described in " + host.BaseName(v.archPath) + ", trained from random weights."}
	case netFineTune:
		m := v.s.Model()
		if m == nil {
			return hint{text: "No model is loaded to fine-tune: open one first (File menu).", warn: true}
		}
		in := m.Input()
		return hint{text: fmt.Sprintf("Keeps the layers of %s (%d × %d pictures) and trains only a new last layer for these classes: enough for a few hundred pictures.",
			v.s.ModelName(), in.Width, in.Height)}
	}
	return hint{text: "Choose a network.", warn: true}
}

// sizeHint says what the input size does to the chosen network own (the
// network before resizing, or why there is none).
func (v *View) sizeHint(own engine.Arch, ownErr error) hint {
	const what = "every picture is shrunk to this square before the network sees it"
	if v.network.Selected == netFineTune {
		if ownErr != nil {
			return hint{text: "Fine-tuning keeps the loaded model's input size."}
		}
		return hint{text: fmt.Sprintf("Fine-tuning keeps the loaded model's %d × %d: its layers learnt their features at that size.", own.Input.Width, own.Input.Height)}
	}
	n := v.chosenSize()
	if ownErr != nil {
		if n == 0 {
			return hint{text: "The network's own: " + what + "."}
		}
		return hint{text: fmt.Sprintf("%d × %d: %s; twice the side takes about four times as long.", n, n, what)}
	}
	w := own.Input.Width
	if n == 0 || n == w {
		return hint{text: fmt.Sprintf("%d × %d, the network's own: %s; larger sees finer detail, at about the square of the side in time.", w, w, what)}
	}
	if _, err := training.Resize(own, n); err != nil {
		return hint{text: oneLine(err), warn: true}
	}
	f := float64(n*n) / float64(w*w)
	if f > 1 {
		return hint{text: fmt.Sprintf("%d × %d: finer detail than the network's own %d × %d, and each epoch about %s times as long.", n, n, w, w, strconv.FormatFloat(math.Round(10*f)/10, 'f', -1, 64))}
	}
	return hint{text: fmt.Sprintf("%d × %d: coarser than the network's own %d × %d, and each epoch about %.0f %% of its time.", n, n, w, w, 100*f)}
}

// epochsHint is the epochs' line for the entry's text, with train
// pictures (-1 unknown) in batches of batch, and secsPerPicture the pace
// of an earlier run of the same network on the same pictures (0 unknown).
func epochsHint(text string, train, batch int, secsPerPicture float64) hint {
	n, err := strconv.Atoi(strings.TrimSpace(text))
	if err != nil || n < 1 || n > 1000 {
		return hint{text: fmt.Sprintf("%q is not a whole number from 1 to 1000: the passes the network makes over the training pictures.", text), warn: true}
	}
	passes := fmt.Sprintf("%d passes", n)
	if n == 1 {
		passes = "1 pass"
	}
	if train < 0 || batch < 1 || batch > train {
		return hint{text: passes + " over the training pictures, each seen once a pass; the time left shows once it trains."}
	}
	steps := n * (train / batch)
	s := fmt.Sprintf("%s over the %d training pictures: %s of %d.", passes, train, widgets.CountNoun(steps, "step"), batch)
	if secsPerPicture > 0 {
		s += fmt.Sprintf(" About %s at the last run's pace.", widgets.FormatDuration(secsPerPicture*float64(steps*batch)))
	} else {
		s += " The time it takes shows once it trains."
	}
	return hint{text: s}
}

// lrHint is the learning rate's line for the entry's text.
func lrHint(text string) hint {
	lr, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
	usual := "; " + strconv.FormatFloat(lrUsual, 'g', -1, 64) + " is Adam's usual start."
	switch {
	case err != nil || !(lr > 0 && lr < 1):
		return hint{text: fmt.Sprintf("%q is not a number between 0 and 1 (the size of each step)%s", text, usual), warn: true}
	case lr >= lrLarge:
		return hint{text: fmt.Sprintf("%s is large for Adam: the loss will likely jump about or stay high%s", strings.TrimSpace(text), usual), warn: true}
	case lr < lrSmall:
		return hint{text: fmt.Sprintf("%s is small: the loss falls slowly and needs many more epochs%s", strings.TrimSpace(text), usual), warn: true}
	}
	return hint{text: "The size of each step (Adam): too large and the loss jumps about, too small and it falls slowly."}
}

// batchHint is the batch size's line for batches of batch with train
// pictures (-1 unknown).
func batchHint(batch, train int) hint {
	const noise = "smaller batches make more steps, each noisier"
	if train < 0 {
		return hint{text: fmt.Sprintf("%d pictures a step: %s.", batch, noise)}
	}
	if batch > train {
		return hint{text: fmt.Sprintf("%d pictures a step is more than the %d training pictures: choose a smaller batch.", batch, train), warn: true}
	}
	s := fmt.Sprintf("%d pictures a step: %s an epoch over the %d training pictures", batch, widgets.CountNoun(train/batch, "step"), train)
	if left := train % batch; left > 0 {
		s += fmt.Sprintf(" (the %d left over change from epoch to epoch)", left)
	}
	return hint{text: s + "; " + noise + "."}
}

// augmentHint is the augmentation's line, on or off, for pictures side
// pixels across (0 unknown).
func augmentHint(on bool, side int) hint {
	if !on {
		return hint{text: "Off: every epoch shows the very same pictures, which the network may learn by heart (training accuracy high, validation low)."}
	}
	shift := "a few pixels"
	if side > 0 {
		shift = widgets.CountNoun(training.MaxShift(side), "pixel")
	}
	return hint{text: "On: every epoch shows each picture flipped at random and shifted by up to " + shift + ", so the network learns the class rather than the pictures."}
}

// valShareHint is the validation share's line for the choice ("20%") with
// the pictures read (nil before).
func valShareHint(choice string, data *dataset.Data) hint {
	share := strings.TrimSuffix(choice, "%") + " %"
	if data == nil {
		return hint{text: share + " of each class held out: pictures the network never trains on, to check it."}
	}
	least, name := -1, ""
	for _, c := range data.Classes {
		if n := data.Report.Counts[c][1]; least < 0 || n < least {
			least, name = n, c
		}
	}
	s := fmt.Sprintf("%s of each class held out: %s the network never trains on, to check it.", share, widgets.CountNoun(data.Val.Len(), "picture"))
	if least >= 0 && least < fewHeldOut {
		return hint{text: s + fmt.Sprintf(" Only %d of %s: its accuracy moves in big steps; a larger share or more pictures help.", least, name), warn: true}
	}
	return hint{text: s}
}

// secondsPerPicture is the pace of the view's last run (seconds per
// training picture an epoch, validation included) when it trained what
// the controls now describe, else 0.
func (v *View) secondsPerPicture() float64 {
	r := v.run
	if r == nil || len(r.epochs) == 0 || r.steps == 0 || r.setup != v.setup() {
		return 0
	}
	secs := 0.0
	for _, e := range r.epochs {
		secs += e.Epoch.Seconds
	}
	return secs / float64(len(r.epochs)*r.steps*r.cfg.Batch)
}

// setup names the data and network the controls describe, to tell
// whether a run's pace applies to them.
func (v *View) setup() string {
	return strings.Join([]string{v.dir, v.network.Selected, v.archPath, v.size.Selected, v.valShare.Selected}, "\x00")
}
