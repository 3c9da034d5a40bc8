package engine

import (
	"fmt"
	"math"
)

// AttentionStep is how one attention weight comes about, step by step, as
// a teacher writes it on the board: head Head of attention layer Block
// gives key token Key the weight Value when token Query asks. The query
// row and the key row are the head's Dim channels of the in-projection's
// queries and keys at those tokens; their dot product, scaled (by
// 1/sqrt(Dim) in PyTorch's MultiheadAttention), is the score; the softmax
// over the query's whole row of scores turns the score into the weight.
// Every number is the engine's, from the in-projection's output as the
// predicting graph computed it.
type AttentionStep struct {
	// Name is the attention layer's name; Block its index among the
	// model's attention layers (0-based, as Model.Attention lists them).
	Name  string
	Block int
	// Head, Query and Key are 0-based; Heads and Tokens the layer's.
	Head, Query, Key int
	Heads, Tokens    int
	// Dim is the head's dimension d (the channels per head).
	Dim int
	// QueryRow and KeyRow are the head's d values of the query token's
	// query and of the key token's key; Products their products.
	QueryRow, KeyRow, Products []float32
	// Dot is the sum of the products (the dot product q·k), Scale what it
	// is multiplied by (1/sqrt(Dim) unless the model says otherwise) and
	// Score = Dot·Scale.
	Dot, Scale, Score float32
	// Scores is the query's row of scaled scores over every key; Max is
	// its largest (at key MaxKey), SumExp the sum of exp(score − Max)
	// over the row, Exp the key's exp(Score − Max).
	Scores []float32
	Max    float32
	MaxKey int
	SumExp float64
	Exp    float64
	// Value is the attention weight, Exp/SumExp: the number the map of
	// Model.Attention holds at (Head, Query, Key), up to float32 rounding.
	Value float32
}

// attentionSteps returns the indices of the model's attention layers in
// the order Model.Attention lists them.
func (m *Model) attentionSteps() []int {
	var at []int
	for i, s := range m.steps {
		if s.Kind == Attention {
			at = append(at, i)
		}
	}
	return at
}

// AttentionStep returns how the weight that query token query gives key
// token key in head head of attention layer block (0-based, in the order
// of Model.Attention) comes about for the picture input (as Predict takes
// it). It runs the network unless the previous step-through (this one or
// Cell's) was of the same layer's input for the same picture.
func (m *Model) AttentionStep(input []float32, block, head, query, key int) (*AttentionStep, error) {
	layers := m.attentionSteps()
	if len(layers) == 0 {
		return nil, fmt.Errorf("engine: the model has no attention layers")
	}
	if block < 0 || block >= len(layers) {
		return nil, fmt.Errorf("engine: there is no attention layer %d; they are 0 to %d", block, len(layers)-1)
	}
	s := m.steps[layers[block]]
	t := s.out.h * s.out.w
	c := s.out.c
	if head < 0 || head >= s.Heads {
		return nil, fmt.Errorf("engine: %s has heads 0 to %d, not %d", s.Name, s.Heads-1, head)
	}
	if query < 0 || query >= t || key < 0 || key >= t {
		return nil, fmt.Errorf("engine: %s has tokens 0 to %d; there is no query %d or key %d", s.Name, t-1, query, key)
	}
	out, qkv, err := m.stepValue(input, s.ins[0])
	if err != nil {
		return nil, err
	}
	if out.c != 3*c || out.h*out.w != t {
		return nil, fmt.Errorf("engine: %s reads %dx%dx%d values, not the queries, keys and values of %d tokens of %d channels", s.Name, out.c, out.h, out.w, t, c)
	}
	d := c / s.Heads
	scale := float32(s.Alpha)
	if scale == 0 {
		scale = float32(1 / math.Sqrt(float64(d)))
	}
	// The in-projection's output is 3C channels of T×1: channel ch of
	// token j at ch·T + j; queries first, then keys, head h reading
	// channels h·d to (h+1)·d of each.
	qOf := func(j, i int) float32 { return qkv[(head*d+i)*t+j] }
	kOf := func(j, i int) float32 { return qkv[(c+head*d+i)*t+j] }
	st := &AttentionStep{Name: s.Name, Block: block, Head: head, Query: query, Key: key, Heads: s.Heads, Tokens: t, Dim: d, Scale: scale,
		QueryRow: make([]float32, d), KeyRow: make([]float32, d), Products: make([]float32, d), Scores: make([]float32, t)}
	for j := range t {
		var dot float64
		for i := range d {
			dot += float64(qOf(query, i)) * float64(kOf(j, i))
		}
		st.Scores[j] = float32(dot) * scale
		if j == key {
			st.Dot = float32(dot)
		}
	}
	for i := range d {
		st.QueryRow[i], st.KeyRow[i] = qOf(query, i), kOf(key, i)
		st.Products[i] = st.QueryRow[i] * st.KeyRow[i]
	}
	st.Score = st.Scores[key]
	st.Max, st.MaxKey = st.Scores[0], 0
	for j, v := range st.Scores {
		if v > st.Max {
			st.Max, st.MaxKey = v, j
		}
	}
	// As the engine's softmax: exponentials in float64 of the float32
	// differences, summed in float64.
	for _, v := range st.Scores {
		st.SumExp += math.Exp(float64(v - st.Max))
	}
	st.Exp = math.Exp(float64(st.Score - st.Max))
	st.Value = float32(st.Exp / st.SumExp)
	return st, nil
}
