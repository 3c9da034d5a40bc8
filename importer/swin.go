package importer

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer/internal/onnxpb"
)

// A Swin Transformer (torchvision's SwinTransformer) works on (N, H, W,
// C) channels-last maps, the layout nhwc: the engine's C maps of H×W.
// Its LayerNorms, Linear layers (MatMul by a constant, a 1x1
// convolution), GELU and residual Adds are read as ConvNeXt's are. Two
// parts of it are read whole, each from the first node that reads the
// channels-last maps other than per position (a Pad):
//
//   - PatchMerging (Pad, the four strided Slices x[..., i::2, j::2, :],
//     Concat on the channels) becomes a PatchMerge layer;
//   - shifted_window_attention (Pad, torch.roll as Slices and Concats,
//     the window partition as Reshape and Transpose, the qkv Linear,
//     the heads, the queries' scaling, Q Kᵀ, the relative position bias,
//     the shift mask built from shapes, Softmax, P V, the projection, the
//     window reverse, the roll back and the crop) becomes a 1x1
//     convolution (qkv), a WindowAttention layer and a 1x1 convolution
//     (proj).
//
// Rather than match the hundreds of nodes of shape arithmetic an export
// writes for these, the importer runs them (evalOps) on probe values:
// maps whose every value is its position's number give, at the qkv
// MatMul's input, which position each token of each window holds, from
// which the window size and shift are read and then checked against the
// engine's partition; the scores with Q Kᵀ set to zeros give the bias
// and the mask that Softmax reads, checked against the engine's mask;
// numbered tokens after the projection give the way back. A graph that
// differs is refused, with what differs named.

// probe evaluates values of the graph on constants and on values it is
// given (env), computing each from its node on demand.
type probe struct {
	r     *reader
	env   map[string]constant
	steps int
}

func (r *reader) newProbe(env map[string]constant) *probe {
	return &probe{r: r, env: env}
}

// value returns value v, computed from its node when needed.
func (p *probe) value(v string) (constant, error) {
	if v == "" {
		return constant{}, nil
	}
	if c, ok := p.env[v]; ok {
		return c, nil
	}
	if c, ok := p.r.consts[v]; ok {
		// The probe runs one picture: a dynamic batch is 1.
		if slices.Contains(c.i, batchMark) {
			c.i = slices.Clone(c.i)
			for k, x := range c.i {
				if x == batchMark {
					c.i[k] = 1
				}
			}
		}
		return c, nil
	}
	k, ok := p.r.producer[v]
	if !ok {
		return constant{}, fmt.Errorf("%q is made by no node", v)
	}
	if _, ok := p.r.vals[v]; ok {
		return constant{}, fmt.Errorf("it reads activations %q from before it", v)
	}
	if p.steps++; p.steps > 100000 {
		return constant{}, fmt.Errorf("too many nodes")
	}
	n := p.r.nodes[k]
	var c constant
	var err error
	if n.GetOpType() == "Constant" {
		c, err = constantNode(n)
	} else {
		in := make([]constant, len(n.GetInput()))
		for j, x := range n.GetInput() {
			if in[j], err = p.value(x); err != nil {
				return constant{}, err
			}
		}
		c, err = evalNode(n, p.r.opset, in)
	}
	if err != nil {
		return constant{}, fmt.Errorf("node %s: %w", nodeName(n, k), err)
	}
	p.env[v] = c
	return c, nil
}

// positions returns maps (1, h, w, c) in which every channel of position
// (y, x) holds its number y·w + x plus from, or that number times c plus
// the channel with channels set.
func positions(h, w, c int, channels bool, from int) constant {
	p := constant{dims: []int{1, h, w, c}, f: make([]float32, h*w*c)}
	for i := range h * w {
		for ch := range c {
			v := i + from
			if channels {
				v = i*c + ch
			}
			p.f[i*c+ch] = float32(v)
		}
	}
	return p
}

// opPadMaps reads a Pad: of channels-last maps, the start of Swin's
// PatchMerging or window attention; otherwise kept for the next window.
func opPadMaps(r *reader, s *step) error {
	if r.lay != nhwc {
		return opPad(r, s)
	}
	if r.patchMerging(s) {
		return nil
	}
	return r.windowAttention(s)
}

// patchMerging reads Pad, four Slices and their Concat on the channels
// as a PatchMerge layer; it reports false (nothing read) when the Pad's
// readers are not four Slices joined by one Concat.
func (r *reader) patchMerging(s *step) bool {
	// The Slices (of the Pad, or of its Slices) and the one Concat that
	// joins them.
	var cut []int
	concat := -1
	queue := []string{s.out}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, k := range r.readers[v] {
			n := r.nodes[k]
			switch n.GetOpType() {
			case "Slice":
				cut = append(cut, k)
				queue = append(queue, n.GetOutput()[0])
			case "Concat":
				if concat >= 0 && k != concat {
					return false
				}
				concat = k
			case "Shape":
			default:
				return false
			}
		}
		if len(cut) > 16 {
			return false
		}
	}
	if concat < 0 || len(r.nodes[concat].GetInput()) != 4 {
		return false
	}
	out := r.nodes[concat].GetOutput()[0]
	h, w, c := r.h, r.w, r.c
	p := r.newProbe(map[string]constant{s.data[0]: positions(h, w, c, true, 0)})
	got, err := p.value(out)
	if err != nil || len(got.dims) != 4 || got.dims[1]*2 != h || got.dims[2]*2 != w || got.dims[3] != 4*c {
		return false
	}
	for y := range h / 2 {
		for x := range w / 2 {
			for ch := range 4 * c {
				pos, from := engine.PatchMergeSource(w, c, y, x, ch)
				if got.f[((y*w/2)+x)*4*c+ch] != float32(pos*c+from) {
					return false
				}
			}
		}
	}
	for _, k := range append(cut, concat) {
		r.skip[k] = true
	}
	r.add(engine.Layer{Kind: engine.PatchMerge})
	r.from[len(r.from)-1] = r.nodes[concat].GetName()
	r.c, r.h, r.w = 4*c, h/2, w/2
	s.out = out
	return true
}

// windowAttention reads torchvision's shifted_window_attention from its
// Pad to the value that the block's residual Add reads.
func (r *reader) windowAttention(s *step) error {
	refuse := func(format string, a ...any) error {
		return s.refuse("it starts what ArtLens reads only as Swin's shifted-window attention, but %s", fmt.Sprintf(format, a...))
	}
	// The nodes that depend on the Pad, up to the Add that joins them
	// with activations from before (the residual).
	inD := map[int]bool{}
	queue := []string{s.out}
	end, endNode := "", -1
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, k := range r.readers[v] {
			if inD[k] {
				continue
			}
			n := r.nodes[k]
			if n.GetOpType() == "Add" {
				if o := other(n, v); o != "" {
					if _, ok := r.vals[o]; ok {
						if endNode >= 0 && endNode != k {
							return refuse("its output is read by two joins")
						}
						end, endNode = v, k
						continue
					}
				}
			}
			inD[k] = true
			queue = append(queue, n.GetOutput()...)
		}
		if len(inD) > 5000 {
			return refuse("it does not come back to the maps within 5,000 nodes")
		}
	}
	if endNode < 0 {
		return refuse("no residual Add reads its output")
	}
	// Its products and Softmax, in the order of the graph.
	var weighted, mats, softmaxes []*onnxpb.NodeProto
	biasOf := map[string]constant{} // a product's output → the Add of a constant after it, and that Add's output
	biasOut := map[string]string{}
	for k := range r.nodes {
		if !inD[k] {
			continue
		}
		n := r.nodes[k]
		switch n.GetOpType() {
		case "MatMul":
			if _, ok := r.constant(n.GetInput()[1]); ok {
				weighted = append(weighted, n)
			} else {
				mats = append(mats, n)
			}
		case "Softmax":
			softmaxes = append(softmaxes, n)
		case "Gemm", "Conv", "Einsum":
			return refuse("it has a %s node (%s)", n.GetOpType(), nodeName(n, k))
		}
	}
	for k := range r.nodes {
		if n := r.nodes[k]; inD[k] && n.GetOpType() == "Add" {
			for _, m := range weighted {
				v := m.GetOutput()[0]
				if o := other(n, v); o != "" {
					if c, ok := r.constant(o); ok && c.f != nil {
						biasOf[v], biasOut[v] = c, n.GetOutput()[0]
					}
				}
			}
		}
	}
	if len(weighted) != 2 || len(mats) != 2 || len(softmaxes) != 1 {
		return refuse("it does not have two Linear layers (qkv and proj), Q Kᵀ, P V and one Softmax")
	}
	ch, h, w := r.c, r.h, r.w
	qkvW, _ := r.constant(weighted[0].GetInput()[1])
	projW, _ := r.constant(weighted[1].GetInput()[1])
	if qkvW.f == nil || len(qkvW.dims) != 2 || qkvW.dims[0] != ch || qkvW.dims[1] != 3*ch {
		return refuse("its qkv Linear is not (%d, %d)", ch, 3*ch)
	}
	if projW.f == nil || len(projW.dims) != 2 || projW.dims[0] != ch || projW.dims[1] != ch {
		return refuse("its proj Linear is not (%d, %d)", ch, ch)
	}
	qkvB, projB := biasOf[weighted[0].GetOutput()[0]], biasOf[weighted[1].GetOutput()[0]]
	if (qkvB.f != nil && len(qkvB.f) != 3*ch) || (projB.f != nil && len(projB.f) != ch) {
		return refuse("its Linear layers' biases are not one per output")
	}
	qk, sm := mats[0], softmaxes[0]
	// The queries' scaling: a Mul or Div by one number before Q Kᵀ.
	scale := float32(0)
	if k, ok := r.producer[qk.GetInput()[0]]; ok {
		if n := r.nodes[k]; (n.GetOpType() == "Mul" || n.GetOpType() == "Div") && len(n.GetInput()) == 2 {
			for j, v := range n.GetInput() {
				p := r.newProbe(map[string]constant{})
				if c, err := p.value(v); err == nil && c.f != nil && len(c.f) == 1 && (j == 1 || n.GetOpType() == "Mul") {
					scale = c.f[0]
					if n.GetOpType() == "Div" {
						scale = 1 / scale
					}
				}
			}
		}
	}
	if !(scale > 0) || math.IsInf(float64(scale), 0) {
		return refuse("its queries are not scaled by a constant")
	}
	// Which position each token of each window holds: the maps' positions
	// numbered from 1, the padding to whole windows 0.
	x := s.data[0]
	numbered := positions(h, w, ch, false, 1)
	p := r.newProbe(map[string]constant{x: numbered})
	toks, err := p.value(weighted[0].GetInput()[0])
	if err != nil {
		return refuse("its window partition cannot be run: %v", err)
	}
	if len(toks.dims) != 3 || toks.dims[2] != ch || toks.f == nil {
		return refuse("its qkv Linear reads %v, not windows of tokens of %d channels", toks.dims, ch)
	}
	nw, nt := toks.dims[0], toks.dims[1]
	// The window and shift whose partition (of the maps padded to whole
	// windows) the tokens are.
	var window, shift []int
	hp, wp := 0, 0
	partition := func(wh, ww, sh, sw int) bool {
		hp, wp = (h+wh-1)/wh*wh, (w+ww-1)/ww*ww
		if (hp/wh)*(wp/ww) != nw {
			return false
		}
		for k := range nw {
			for t := range nt {
				pos := engine.WindowPosition(hp, wp, []int{wh, ww}, []int{sh, sw}, k, t)
				want := float32(0)
				if y, x := pos/wp, pos%wp; y < h && x < w {
					want = float32(y*w + x + 1)
				}
				for c := range ch {
					if toks.f[(k*nt+t)*ch+c] != want {
						return false
					}
				}
			}
		}
		return true
	}
search:
	for wh := 1; wh <= nt; wh++ {
		if nt%wh != 0 {
			continue
		}
		ww := nt / wh
		for sh := range wh {
			for sw := range ww {
				if partition(wh, ww, sh, sw) {
					window, shift = []int{wh, ww}, []int{sh, sw}
					break search
				}
			}
		}
	}
	if window == nil {
		return refuse("its %d windows of %d tokens are not a partition of %dx%d maps, padded to whole windows and rolled", nw, nt, w, h)
	}
	// The scores' bias and mask: what Softmax reads when Q Kᵀ is zero.
	p = r.newProbe(map[string]constant{x: numbered,
		weighted[0].GetOutput()[0]: {dims: []int{nw, nt, 3 * ch}, f: make([]float32, nw*nt*3*ch)}})
	scores, err := p.value(qk.GetOutput()[0])
	if err != nil {
		return refuse("its scores cannot be run: %v", err)
	}
	p = r.newProbe(map[string]constant{x: numbered,
		qk.GetOutput()[0]: {dims: scores.dims, f: make([]float32, size(scores.dims))}})
	add, err := p.value(sm.GetInput()[0])
	if err != nil {
		return refuse("its bias and mask cannot be run: %v", err)
	}
	if len(add.dims) != 4 || add.dims[0] != nw || add.dims[2] != nt || add.dims[3] != nt || add.dims[1] < 1 || ch%add.dims[1] != 0 {
		return refuse("its scores are %v, not (windows %d, heads, %d, %d)", add.dims, nw, nt, nt)
	}
	if ax := attrInt(sm, "axis", -1); ax != -1 && ax != 3 {
		return refuse("its Softmax is not over the keys (the last axis)")
	}
	heads := add.dims[1]
	bias := append([]float32(nil), add.f[:heads*nt*nt]...)
	for k := range nw {
		for hd := range heads {
			for t := range nt {
				for u := range nt {
					want := float64(0)
					if engine.WindowMasked(hp, wp, window, shift, k, t, u) {
						want = -100
					}
					got := float64(add.f[((k*heads+hd)*nt+t)*nt+u] - bias[(hd*nt+t)*nt+u])
					if math.Abs(got-want) > 1e-3 {
						return refuse("its scores' mask is not Swin's shifted-window mask (window %d, tokens %d and %d: %g, want %g)", k, t, u, got, want)
					}
				}
			}
		}
	}
	// The way back: numbered tokens after the projection.
	projOut := weighted[1].GetOutput()[0]
	if o, ok := biasOut[projOut]; ok {
		projOut = o
	}
	back := constant{dims: []int{nw, nt, ch}, f: make([]float32, nw*nt*ch)}
	for i := range nw * nt {
		for c := range ch {
			back.f[i*ch+c] = float32(i)
		}
	}
	p = r.newProbe(map[string]constant{x: numbered, projOut: back})
	got, err := p.value(end)
	if err != nil {
		return refuse("its window reverse cannot be run: %v", err)
	}
	if len(got.dims) != 4 || got.dims[1] != h || got.dims[2] != w || got.dims[3] != ch {
		return refuse("it gives %v, not the maps (1, %d, %d, %d)", got.dims, h, w, ch)
	}
	for k := range nw {
		for t := range nt {
			pos := engine.WindowPosition(hp, wp, window, shift, k, t)
			if y, x := pos/wp, pos%wp; y < h && x < w && got.f[(y*w+x)*ch] != float32(k*nt+t) {
				return refuse("its window reverse does not put the tokens back where they came from")
			}
		}
	}
	// The layers, named after the attention's module
	// ("features.1.1.attn", its Linear layers ".qkv" and ".proj").
	scope := s.n.GetName()
	if k := strings.LastIndex(scope, "/"); k >= 0 {
		scope = scope[:k+1]
	}
	// Maps padded to whole windows: the qkv convolution pads them with
	// zeros (its output there is its bias, as the Linear's of torchvision's
	// zero padding), the attention crops its output back.
	var pads []int
	if hp != h || wp != w {
		pads = []int{0, 0, hp - h, wp - w}
	}
	conv := func(wt constant, b constant, units int, name string, pads []int) {
		l := engine.Layer{Kind: engine.Conv2D, Filters: units, Kernel: []int{1, 1}, NoBias: b.f == nil}
		if pads != nil {
			l.Padding, l.Pads = engine.PaddingExplicit, pads
		}
		ws := [][]float32{transpose(wt.f, ch, units)}
		if b.f != nil {
			ws = append(ws, b.f)
		}
		r.add(l, ws...)
		r.from[len(r.from)-1] = scope + name + "/MatMul"
	}
	conv(qkvW, qkvB, 3*ch, "qkv", pads)
	r.add(engine.Layer{Kind: engine.WindowAttention, Heads: heads, Alpha: float64(scale), Window: window, Shift: shift, Pads: pads}, bias)
	r.from[len(r.from)-1] = scope + "WindowAttention"
	conv(projW, projB, ch, "proj", nil)
	for k := range inD {
		r.skip[k] = true
	}
	s.out = end
	return nil
}
