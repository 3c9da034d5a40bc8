package engine

import (
	"fmt"
	"strings"
)

// describe says in words, for a student, what the output of step j is:
// the picture, a place's maps ("conv1", "block layer1.0's output"), or
// what the layers after them make of them ("the batch norm and ReLU of
// block features.denseblock1's output", "features.1.block.0.0, each
// channel scaled by the squeeze-excitation features.1.block.1"). Cell's
// From when the window is read from a layer that is no place; placeAt
// maps a place's step to its number. Past a few layers back it names
// the layer.
func (m *Model) describe(j int, placeAt map[int]int, depth int) string {
	if j < 0 {
		if len(m.arch.Mean) > 0 {
			return "the normalised picture"
		}
		return "the picture"
	}
	if k := placeAt[j]; k > 0 {
		p := m.places[k-1]
		if p.Conv {
			return p.Name
		}
		return "block " + p.Name + "'s output"
	}
	s := m.steps[j]
	if depth >= 3 {
		return fmt.Sprintf("%s (%s)", s.Name, s.Kind)
	}
	of := func(k int) string { return m.describe(s.ins[k], placeAt, depth+1) }
	relu := ""
	if s.relu {
		relu = " and ReLU"
	}
	var d string
	switch s.Kind {
	case Dropout:
		return of(0)
	case ReLU:
		if s.fused {
			return of(0)
		}
		return "the ReLU of " + of(0)
	case MaxPool, AvgPool:
		kind := "max"
		if s.Kind == AvgPool {
			kind = "average"
		}
		return fmt.Sprintf("the %dx%d %s pooling%s of %s", s.kh, s.kw, kind, strideWords(&s), of(0))
	case BatchNorm:
		return "the batch norm" + relu + " of " + of(0)
	case Affine:
		return "the scale and shift per channel of " + of(0)
	case GlobalAvgPool:
		return "the mean of each map of " + of(0)
	case Slice:
		return fmt.Sprintf("channels %d to %d of %s", s.Start+1, s.End, of(0))
	case ChannelShuffle:
		return fmt.Sprintf("%s, its channels shuffled in %d groups", of(0), s.Groups)
	case Clip:
		if s.Min == 0 && s.Max == 6 {
			return "the ReLU6 of " + of(0)
		}
		return fmt.Sprintf("%s, kept between %g and %g", of(0), s.Min, s.Max)
	case Sigmoid:
		return "the sigmoid of " + of(0)
	case HardSigmoid:
		return "the hard sigmoid of " + of(0)
	case HardSwish:
		return "the hard swish of " + of(0)
	case GELU:
		return "the GELU of " + of(0)
	case LayerNorm:
		return "the LayerNorm over channels of " + of(0)
	case Mul:
		d = m.describeMul(j, placeAt, depth)
	case Add:
		d = "the sum of " + joinWords(s.ins, func(k int) string { return of(k) })
	case Concat:
		d = "the concatenation of " + joinWords(s.ins, func(k int) string { return of(k) })
	default:
		return fmt.Sprintf("%s (%s)", s.Name, s.Kind)
	}
	if s.relu {
		d = "the ReLU of " + d
	}
	return d
}

// describeMul says what the Mul of step j makes: a squeeze-excitation's
// scaling (one input a value per channel), a SiLU or hard swish (maps
// times their own sigmoid or hard sigmoid: EfficientNet's activation as
// ONNX writes it), or a product of maps.
func (m *Model) describeMul(j int, placeAt map[int]int, depth int) string {
	s := m.steps[j]
	of := func(k int) string { return m.describe(s.ins[k], placeAt, depth+1) }
	for k := range 2 {
		gate, maps := s.inShapes[k], s.inShapes[1-k]
		if gate.h == 1 && gate.w == 1 && (maps.h > 1 || maps.w > 1) {
			return fmt.Sprintf("%s, each channel scaled by the squeeze-excitation %s", of(1-k), s.Name)
		}
	}
	for k := range 2 {
		g := s.ins[k]
		if g < 0 || len(m.steps[g].ins) != 1 || m.steps[g].ins[0] != s.ins[1-k] {
			continue
		}
		switch m.steps[g].Kind {
		case Sigmoid:
			return "the SiLU of " + of(1-k) + " (each value times its sigmoid)"
		case HardSigmoid:
			return "the hard swish of " + of(1-k) + " (each value times its hard sigmoid)"
		}
	}
	return "the product of " + of(0) + " and " + of(1)
}

// pooledName says how a pooling step p pools the maps it reads (", max-
// pooled 2x2 with stride 1x1").
func pooledName(p *step) string {
	kind := "max"
	if p.Kind == AvgPool {
		kind = "average"
	}
	return fmt.Sprintf(", %s-pooled %dx%d", kind, p.kh, p.kw) + strideWords(p)
}

// strideWords says a pooling's stride where it is not its window's size.
func strideWords(p *step) string {
	if p.sh != p.kh || p.sw != p.kw {
		return fmt.Sprintf(" with stride %dx%d", p.sh, p.sw)
	}
	return ""
}

// joinWords joins the names of ins ("a and b", "a, b and c").
func joinWords(ins []int, name func(k int) string) string {
	words := make([]string, len(ins))
	for k := range ins {
		words[k] = name(k)
	}
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
