package frames

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"sync"
	"time"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
	"github.com/artlens/artlens/picture"
)

// LoopOptions set what Run computes for each kept frame.
type LoopOptions struct {
	// Layers are the places (numbered from 1, as engine.Place.Layer)
	// whose maps each result carries; nil means DefaultLayers(m).
	Layers []int
	// CAMLayer is the place Grad-CAM explains; 0 means m.CAMPlace().
	CAMLayer int
	// NoCAM leaves Grad-CAM out (its backward pass costs about as much
	// as the answer).
	NoCAM bool
	// MaxFrames ends the loop after this many kept frames; 0 runs until
	// ctx ends or the source does.
	MaxFrames int
	// Paused, when not nil and true, makes the loop let frames go by
	// without computing (they are not counted as dropped): the view's
	// Pause, which must not cost the machine anything.
	Paused func() bool
}

// Result is what the loop computed for one kept frame. It is the
// callback's to keep: nothing in it is reused.
type Result struct {
	// Kept counts the kept frames, from 1; Frame is the source's index.
	Kept, Frame int
	// Image is the frame as it came.
	Image image.Image
	// Input is the network's input made from it (CHW, in [0,1]).
	Input []float32
	// Probabilities and Class are the network's answer.
	Probabilities []float32
	Class         int
	// Maps holds the chosen layers' activations, in the order of
	// LoopOptions.Layers.
	Maps []engine.Activation
	// CAM is the Grad-CAM map of Class (empty Values with NoCAM).
	CAM explain.Map
	// Took is the time this frame's work took (decoding to Grad-CAM).
	Took time.Duration
	// FPS is the rate of kept frames over about the last two seconds (0
	// until two frames were kept); Dropped counts the frames the loop had
	// no time for so far.
	FPS     float64
	Dropped int
	// Err, when set, says why this frame gave no answer (a damaged frame,
	// a picture that does not decode); the loop goes on.
	Err error
}

// Stats sum up a run.
type Stats struct {
	Kept, Dropped int
	// Elapsed runs from the first frame taken to the last one's result;
	// FPS is (Kept-1)/Elapsed, the rate at which results came (0 with
	// fewer than two).
	Elapsed time.Duration
	FPS     float64
}

// DefaultLayers returns the places whose maps the live view and the
// command show unless told others, as the Explore view does: the study's
// conv layers 1, 3 and 4; all of a chain of three or fewer; else the
// first, the middle and the last conv layer; for a graph network, its
// first conv layer, a block in the middle and the maps Grad-CAM explains.
func DefaultLayers(m *engine.Model) []int {
	places := m.Places()
	conv := len(m.ConvLayers())
	if len(places) > conv {
		out := []int{1}
		if conv < len(places)-1 {
			out = append(out, conv+(len(places)-conv)/2)
		}
		if c := m.CAMPlace(); c != out[len(out)-1] && c != 1 {
			out = append(out, c)
		}
		return out
	}
	switch {
	case conv == 5:
		return []int{1, 3, 4}
	case conv <= 3:
		out := make([]int, conv)
		for i := range out {
			out[i] = i + 1
		}
		return out
	}
	return []int{1, conv/2 + 1, conv}
}

// Run reads src and computes, for the latest frame each time it is free,
// the answer, the chosen layers' maps and Grad-CAM, and calls each with
// the result (on Run's goroutine: a slow callback makes the loop drop
// more frames, never fall behind). It returns when ctx ends, src ends
// (io.EOF) or MaxFrames frames were kept, with nil; or with src's error
// when src fails (a camera unplugged): a line to show. Run does not close
// src, and returns only once it no longer reads it.
func Run(ctx context.Context, m *engine.Model, src Source, opt LoopOptions, each func(*Result)) (Stats, error) {
	if m == nil {
		return Stats{}, errors.New("no model to run")
	}
	layers := opt.Layers
	if layers == nil {
		layers = DefaultLayers(m)
	}
	places := len(m.Places())
	for _, l := range layers {
		if l < 1 || l > places {
			return Stats{}, fmt.Errorf("there is no layer %d; the layers are 1 to %d", l, places)
		}
	}
	camLayer := opt.CAMLayer
	if camLayer == 0 {
		camLayer = m.CAMPlace()
	}
	if camLayer < 1 || camLayer > places {
		return Stats{}, fmt.Errorf("there is no layer %d to explain; the layers are 1 to %d", camLayer, places)
	}

	ctx, cancel := context.WithCancel(ctx)
	var (
		mu      sync.Mutex
		latest  *Frame
		dropped int
		srcErr  error
		ready   = make(chan struct{}, 1)
		done    = make(chan struct{})
	)
	go func() { // the reader: keeps only the latest frame
		defer close(done)
		for {
			f, err := src.Next(ctx)
			if err != nil {
				if ctx.Err() == nil && !errors.Is(err, io.EOF) {
					mu.Lock()
					srcErr = err
					mu.Unlock()
				}
				return
			}
			mu.Lock()
			if latest != nil {
				dropped++
			}
			latest = &f
			mu.Unlock()
			select {
			case ready <- struct{}{}:
			default:
			}
		}
	}()
	defer func() {
		cancel()
		<-done
	}()

	var head *camHead
	if !opt.NoCAM {
		head = headOf(m, camLayer)
	}
	var st Stats
	var first time.Time
	var times []time.Time // the last kept frames' times, for the rate
	in := m.Input()
	for opt.MaxFrames <= 0 || st.Kept < opt.MaxFrames {
		ended := false
		select {
		case <-ready:
		case <-done:
			ended = true // a last frame left by the reader is still taken
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		mu.Lock()
		f := latest
		latest = nil
		mu.Unlock()
		if f == nil {
			if ended {
				break
			}
			continue
		}
		if opt.Paused != nil && opt.Paused() {
			continue
		}
		start := time.Now()
		if first.IsZero() {
			first = start
		}
		st.Kept++
		r := &Result{Kept: st.Kept, Frame: f.Index}
		r.Image, r.Err = f.Decode()
		if r.Err == nil {
			r.Err = compute(m, r, in, layers, camLayer, opt.NoCAM, head)
		}
		now := time.Now()
		r.Took = now.Sub(start)
		times = append(times, now)
		for len(times) > 2 && now.Sub(times[0]) > 2*time.Second {
			times = times[1:]
		}
		if n := len(times); n > 1 {
			r.FPS = float64(n-1) / now.Sub(times[0]).Seconds()
		}
		mu.Lock()
		r.Dropped = dropped
		mu.Unlock()
		st.Elapsed = now.Sub(first)
		each(r)
	}
	mu.Lock()
	st.Dropped = dropped
	err := srcErr
	mu.Unlock()
	return finish(st, first), err
}

func finish(st Stats, first time.Time) Stats {
	if st.Kept > 1 && st.Elapsed > 0 {
		st.FPS = float64(st.Kept-1) / st.Elapsed.Seconds()
	}
	return st
}

// compute fills r's answer, maps and Grad-CAM from r.Image.
func compute(m *engine.Model, r *Result, in engine.Input, layers []int, camLayer int, noCAM bool, head *camHead) error {
	b := r.Image.Bounds()
	if b.Empty() {
		return fmt.Errorf("frame %d is empty", r.Frame)
	}
	r.Input = picture.ToInputShape(r.Image, in.Channels, in.Width, in.Height)
	p, err := m.Predict(r.Input)
	if err != nil {
		return err
	}
	r.Probabilities, r.Class = p.Probabilities, p.Class
	r.Maps = make([]engine.Activation, len(layers))
	for i, l := range layers {
		r.Maps[i] = p.Activations[l-1]
	}
	if head != nil {
		if r.CAM, err = head.cam(p.Activations[camLayer-1], p.Class, p.Probabilities); err != nil {
			return fmt.Errorf("Grad-CAM: %v", err)
		}
	} else if !noCAM {
		if r.CAM, err = explain.GradCAM(m, r.Input, camLayer, p.Class); err != nil {
			return fmt.Errorf("Grad-CAM: %v", err)
		}
	}
	return nil
}
