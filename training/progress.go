package training

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/internal/terminal"
)

// progress draws a one-line progress bar with images per second and the
// time left for the whole run, and a summary line per epoch.
type progress struct {
	w          io.Writer
	epochs     int
	perEpoch   int // images per epoch
	start      time.Time
	firstEpoch int
	last       time.Time
	open       bool // a progress line is drawn and not ended
	onTerminal bool // w redraws lines with carriage returns
}

func newProgress(w io.Writer, epochs, perEpoch, firstEpoch int) *progress {
	return &progress{w: w, epochs: epochs, perEpoch: perEpoch, start: time.Now(), firstEpoch: firstEpoch, onTerminal: terminal.Is(w)}
}

// interrupt ends an open progress line, so that what is printed next
// starts on a line of its own.
func (p *progress) interrupt() {
	if p.open {
		fmt.Fprintln(p.w)
		p.open = false
	}
}

func (p *progress) step(epoch, done int, loss, acc float64) {
	if p.w == nil || !p.onTerminal || (time.Since(p.last) < 500*time.Millisecond && done < p.perEpoch) {
		return
	}
	p.last = time.Now()
	rate, left := p.pace(epoch, done)
	const width = 24
	fill := width * done / p.perEpoch
	fmt.Fprintf(p.w, "\repoch %d/%d [%s%s] %d/%d  %.0f img/s  left %s  loss %.3f  acc %.3f ",
		epoch+1, p.epochs, strings.Repeat("=", fill), strings.Repeat(" ", width-fill), done, p.perEpoch,
		rate, left.Round(time.Second), loss, acc)
	p.open = true
}

// pace returns the images per second of this run so far and the time
// left to its end, done images into epoch (0-based).
func (p *progress) pace(epoch, done int) (rate float64, left time.Duration) {
	total := (epoch-p.firstEpoch)*p.perEpoch + done
	rate = float64(total) / time.Since(p.start).Seconds()
	return rate, time.Duration(float64((p.epochs-epoch)*p.perEpoch-done) / rate * float64(time.Second))
}

func (p *progress) epochDone(e engine.Epoch, best int) {
	if p.w == nil {
		return
	}
	start, pad := "", ""
	if p.open {
		start, pad = "\r", strings.Repeat(" ", 20) // over the progress line
	}
	fmt.Fprintf(p.w, "%sepoch %d/%d  loss %.4f  acc %.4f  val_loss %.4f  val_acc %.4f  lr %.2g  %.0fs  (best epoch %d)%s\n",
		start, e.Epoch, p.epochs, e.TrainLoss, e.TrainAccuracy, e.ValLoss, e.ValAccuracy, e.LearningRate, e.Seconds, best, pad)
	p.open = false
}
