package train

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/artlens/artlens/ui/internal/uitest"
	"github.com/artlens/artlens/ui/widgets"

	"fyne.io/fyne/v2/widget"

	"github.com/artlens/artlens/training"
)

// Each setting of the Train view has a line saying what it does with the
// value it holds, and the line follows the value: a learning rate too
// large or too small says so, a batch larger than the training pictures
// says so, the epochs' and batch's lines count the steps of the folder
// read (two classes of 25 pictures: 5, 3 or 8 held out of each at 20, 10
// or 30 %), the input size's line gives the time against the network's
// own size, augmentation the shift in pixels at that size. The texts are
// the whole lines, written out by hand.
func TestTrainViewSettingLines(t *testing.T) {
	dir := uitest.ClassFolders(t, []string{"a", "b"}, 25)
	archFile := filepath.Join(t.TempDir(), "small.json")
	js, err := json.Marshal(training.SmallArch())
	if err != nil {
		t.Fatal(err)
	}
	uitest.WriteFile(t, filepath.Dir(archFile), filepath.Base(archFile), js)
	badArch := uitest.WriteFile(t, t.TempDir(), "bad.json", []byte(`{"layers": "none"}`))

	h, v := trainHarness(t, "", 10)
	const (
		usual = "; 0.001 is Adam's usual start."
		lrOK  = "The size of each step (Adam): too large and the loss jumps about, too small and it falls slowly."
		noise = "; smaller batches make more steps, each noisier."
		shown = " before the network sees it"
	)
	type line func(v *View) *widget.Label
	var (
		epochs  line = func(v *View) *widget.Label { return v.hints.epochs }
		lr      line = func(v *View) *widget.Label { return v.hints.lr }
		batch   line = func(v *View) *widget.Label { return v.hints.batch }
		augment line = func(v *View) *widget.Label { return v.hints.augment }
		val     line = func(v *View) *widget.Label { return v.hints.valShare }
		size    line = func(v *View) *widget.Label { return v.hints.size }
		network line = func(v *View) *widget.Label { return v.hints.network }
	)
	for _, tc := range []struct {
		name string
		line line
		set  func(v *View)
		want string
		warn bool
	}{
		// Before a folder is opened: no counts.
		{"epochs, no folder", epochs, func(v *View) { v.epochs.SetText("10") },
			"10 passes over the training pictures, each seen once a pass; the time left shows once it trains.", false},
		{"batch, no folder", batch, func(v *View) { v.batch.SetSelected("32") },
			"32 pictures a step" + strings.Replace(noise, ";", ":", 1), false},
		{"validation, no folder", val, func(v *View) {},
			"20 % of each class held out: pictures the network never trains on, to check it.", false},

		// The folder read: 40 training pictures at 20 %.
		{"batch 8", batch, func(v *View) { v.openFolder(dir); v.batch.SetSelected("8") },
			"8 pictures a step: 5 steps an epoch over the 40 training pictures" + noise, false},
		{"batch 16", batch, func(v *View) { v.batch.SetSelected("16") },
			"16 pictures a step: 2 steps an epoch over the 40 training pictures (the 8 left over change from epoch to epoch)" + noise, false},
		{"batch 32", batch, func(v *View) { v.batch.SetSelected("32") },
			"32 pictures a step: 1 step an epoch over the 40 training pictures (the 8 left over change from epoch to epoch)" + noise, false},
		{"batch 64, more than the pictures", batch, func(v *View) { v.batch.SetSelected("64") },
			"64 pictures a step is more than the 40 training pictures: choose a smaller batch.", true},
		{"epochs with batch 64", epochs, func(v *View) {},
			"10 passes over the training pictures, each seen once a pass; the time left shows once it trains.", false},
		{"epochs 10", epochs, func(v *View) { v.batch.SetSelected("8") },
			"10 passes over the 40 training pictures: 50 steps of 8. The time it takes shows once it trains.", false},
		{"epochs 1", epochs, func(v *View) { v.epochs.SetText("1") },
			"1 pass over the 40 training pictures: 5 steps of 8. The time it takes shows once it trains.", false},
		{"epochs 1000", epochs, func(v *View) { v.epochs.SetText(" 1000 ") },
			"1000 passes over the 40 training pictures: 5000 steps of 8. The time it takes shows once it trains.", false},
		{"epochs 1001", epochs, func(v *View) { v.epochs.SetText("1001") },
			`"1001" is not a whole number from 1 to 1000: the passes the network makes over the training pictures.`, true},
		{"epochs 0", epochs, func(v *View) { v.epochs.SetText("0") },
			`"0" is not a whole number from 1 to 1000: the passes the network makes over the training pictures.`, true},
		{"epochs ten", epochs, func(v *View) { v.epochs.SetText("ten") },
			`"ten" is not a whole number from 1 to 1000: the passes the network makes over the training pictures.`, true},
		{"epochs 2.5", epochs, func(v *View) { v.epochs.SetText("2.5") },
			`"2.5" is not a whole number from 1 to 1000: the passes the network makes over the training pictures.`, true},

		{"learning rate 0.001", lr, func(v *View) { v.lr.SetText("0.001") }, lrOK, false},
		{"learning rate 0.0001, the smallest usual", lr, func(v *View) { v.lr.SetText("0.0001") }, lrOK, false},
		{"learning rate 0.00009", lr, func(v *View) { v.lr.SetText("0.00009") },
			"0.00009 is small: the loss falls slowly and needs many more epochs" + usual, true},
		{"learning rate 1e-6", lr, func(v *View) { v.lr.SetText("1e-6") },
			"1e-6 is small: the loss falls slowly and needs many more epochs" + usual, true},
		{"learning rate 0.0099, the largest usual", lr, func(v *View) { v.lr.SetText(" 0.0099") }, lrOK, false},
		{"learning rate 0.01", lr, func(v *View) { v.lr.SetText("0.01") },
			"0.01 is large for Adam: the loss will likely jump about or stay high" + usual, true},
		{"learning rate 0.5", lr, func(v *View) { v.lr.SetText("0.5") },
			"0.5 is large for Adam: the loss will likely jump about or stay high" + usual, true},
		{"learning rate 1", lr, func(v *View) { v.lr.SetText("1") },
			`"1" is not a number between 0 and 1 (the size of each step)` + usual, true},
		{"learning rate 0", lr, func(v *View) { v.lr.SetText("0") },
			`"0" is not a number between 0 and 1 (the size of each step)` + usual, true},
		{"learning rate fast", lr, func(v *View) { v.lr.SetText("fast") },
			`"fast" is not a number between 0 and 1 (the size of each step)` + usual, true},

		{"augmentation on at 32", augment, func(v *View) { v.augment.SetChecked(true) },
			"On: every epoch shows each picture flipped at random and shifted by up to 4 pixels, so the network learns the class rather than the pictures.", false},
		{"augmentation off", augment, func(v *View) { v.augment.SetChecked(false) },
			"Off: every epoch shows the very same pictures, which the network may learn by heart (training accuracy high, validation low).", false},
		{"augmentation on at 128", augment, func(v *View) { v.augment.SetChecked(true); v.size.SetSelected("128 × 128") },
			"On: every epoch shows each picture flipped at random and shifted by up to 8 pixels, so the network learns the class rather than the pictures.", false},

		{"validation 20 %", val, func(v *View) {},
			"20 % of each class held out: 10 pictures the network never trains on, to check it.", false},
		{"validation 10 %, 3 of each", val, func(v *View) { v.valShare.SetSelected("10%") },
			"10 % of each class held out: 6 pictures the network never trains on, to check it. Only 3 of a: its accuracy moves in big steps; a larger share or more pictures help.", true},
		{"batch at 10 %", batch, func(v *View) {},
			"8 pictures a step: 5 steps an epoch over the 44 training pictures (the 4 left over change from epoch to epoch)" + noise, false},
		{"validation 30 %", val, func(v *View) { v.valShare.SetSelected("30%") },
			"30 % of each class held out: 16 pictures the network never trains on, to check it.", false},

		{"size 128 on the small network", size, func(v *View) {},
			"128 × 128: finer detail than the network's own 32 × 32, and each epoch about 16 times as long.", false},
		{"size 48 on the small network", size, func(v *View) { v.size.SetSelected("48 × 48") },
			"48 × 48: finer detail than the network's own 32 × 32, and each epoch about 2.3 times as long.", false},
		{"size own, small", size, func(v *View) { v.size.SetSelected(sizeOwn) },
			"32 × 32, the network's own: every picture is shrunk to this square" + shown + "; larger sees finer detail, at about the square of the side in time.", false},
		{"size 32 chosen, small", size, func(v *View) { v.size.SetSelected("32 × 32") },
			"32 × 32, the network's own: every picture is shrunk to this square" + shown + "; larger sees finer detail, at about the square of the side in time.", false},
		{"size 48 on the study's", size, func(v *View) { v.network.SetSelected(netStudy); v.size.SetSelected("48 × 48") },
			"48 × 48: coarser than the network's own 64 × 64, and each epoch about 56 % of its time.", false},
		{"augmentation on at 48", augment, func(v *View) {},
			"On: every epoch shows each picture flipped at random and shifted by up to 4 pixels, so the network learns the class rather than the pictures.", false},
		{"size 96 on the study's", size, func(v *View) { v.size.SetSelected("96 × 96") },
			"96 × 96: finer detail than the network's own 64 × 64, and each epoch about 2.3 times as long.", false},
		{"augmentation on at 96", augment, func(v *View) {},
			"On: every epoch shows each picture flipped at random and shifted by up to 6 pixels, so the network learns the class rather than the pictures.", false},
		{"size 32 on the study's", size, func(v *View) { v.size.SetSelected("32 × 32") },
			"The network cannot take 32x32 pictures", true},

		{"network, the study's", network, func(v *View) {},
			"The seed study's network: 5 conv layers on 64 × 64 pictures, each epoch about 15 times as long as the small one's.", false},
		{"network, small", network, func(v *View) { v.network.SetSelected(netSmall) },
			"3 conv layers on 32 × 32 pictures: fast enough to watch a class's pictures being learnt, live.", false},
		{"network, small residual", network, func(v *View) { v.network.SetSelected(netResidual) },
			"3 residual blocks with batch norm on 32 × 32 pictures: skip connections carry each block's input around it, as in ResNet.", false},
		{"network, a file", network, func(v *View) { v.archPath = archFile; v.network.SetSelected(netFile) },
			"The network described in small.json, trained from random weights.", false},
		{"size of a file's network", size, func(v *View) { v.size.SetSelected("64 × 64") },
			"64 × 64: finer detail than the network's own 32 × 32, and each epoch about 4 times as long.", false},
		{"network, a bad file", network, func(v *View) { v.archPath = badArch; v.explain() },
			badArch + ": not an architecture", true},
		{"size of a bad file's network", size, func(v *View) {},
			"64 × 64: every picture is shrunk to this square" + shown + "; twice the side takes about four times as long.", false},
		{"network, fine-tuning", network, func(v *View) { v.network.SetSelected(netFineTune) },
			"Keeps the layers of test model (64 × 64 pictures) and trains only a new last layer for these classes: enough for a few hundred pictures.", false},
		{"size when fine-tuning", size, func(v *View) {},
			"Fine-tuning keeps the loaded model's 64 × 64: its layers learnt their features at that size.", false},
		{"network, fine-tuning without a model", network, func(v *View) { v.s.SetModel(nil, v.s.ModelName()); v.explain() },
			"No model is loaded to fine-tune: open one first (File menu).", true},
		{"size when fine-tuning without a model", size, func(v *View) {},
			"Fine-tuning keeps the loaded model's input size.", false},
	} {
		tc.set(v)
		h.Settle()
		l := tc.line(v)
		if tc.warn != (l.Importance == widget.WarningImportance) || !strings.HasPrefix(l.Text, tc.want) ||
			(!strings.HasPrefix(tc.want, "The network cannot") && !strings.HasPrefix(tc.want, badArch) && l.Text != tc.want) {
			t.Errorf("%s:\n got %q (warning %v)\nwant %q (warning %v)", tc.name, l.Text, l.Importance == widget.WarningImportance, tc.want, tc.warn)
		}
	}
}

// Once a run has trained, the epochs' line gives the time a run of the
// same network on the same pictures will take at its pace: 10 epochs,
// five times the 2 just trained (the same steps each), and no time once
// the network changes.
func TestTrainViewEpochsLineTime(t *testing.T) {
	dir := uitest.ClassFolders(t, []string{"a", "b"}, 25)
	h, v := trainHarness(t, dir, 2)
	v.start()
	r := v.run
	h.WaitFor("the end of training", func() bool { return !r.running })
	h.Settle()
	if !r.finished {
		t.Fatalf("status %q", v.status.Text)
	}
	secs := 0.0
	for _, e := range r.epochs {
		secs += e.Epoch.Seconds
	}
	v.epochs.SetText("10")
	want := "10 passes over the 40 training pictures: 50 steps of 8. About " + widgets.FormatDuration(5*secs) + " at the last run's pace."
	if got := v.hints.epochs.Text; got != want {
		t.Errorf("after a run of 2 epochs in %.2f s:\n got %q\nwant %q", secs, got, want)
	}
	v.network.SetSelected(netResidual)
	h.Settle()
	if got := v.hints.epochs.Text; !strings.HasSuffix(got, "The time it takes shows once it trains.") {
		t.Errorf("another network: %q", got)
	}
	os.RemoveAll(r.ckDir)
}
