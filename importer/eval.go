package importer

import (
	"fmt"
	"math"
	"slices"

	"github.com/artlens/artlens/importer/internal/onnxpb"
)

// The importer computes some of a graph's tensors itself, on N-d
// constants: the shape arithmetic and the masks that an export builds
// from shapes (Swin's shifted-window mask: Range, Mod, ScatterND...),
// folded at import when every input is a constant (fold falls back on
// evalNode), and the window partition of a Swin block, run once on a
// probe picture of known values (swin.go) to read which position each
// token of each window holds. evalOps holds one function per op, as the
// op table ops does for activations. Integers (and booleans, 0 or 1)
// are held in constant.i, floats in constant.f.

// maxEval bounds the values of one evaluated tensor, so that a damaged
// file cannot ask for all memory.
const maxEval = 1 << 26

// evalFunc computes one node's first output from its inputs (a missing
// optional input is the zero constant, with neither f nor i).
type evalFunc func(n *onnxpb.NodeProto, opset int64, in []constant) (constant, error)

// evalOps is the table of the ops evalNode computes.
var evalOps = map[string]evalFunc{
	"Identity": evalFirst, "Dropout": evalFirst,
	"Cast":            evalCast,
	"Shape":           evalShape,
	"Reshape":         evalReshape,
	"ConstantOfShape": evalConstantOfShape,
	"Equal":           evalEqual,
	"Where":           evalWhere,
	"Not":             evalNot,
	"Expand":          evalExpand,
	"Gather":          evalGather,
	"Unsqueeze":       evalUnsqueeze,
	"Squeeze":         evalSqueeze,
	"Slice":           evalSlice,
	"Add":             evalArith, "Sub": evalArith, "Mul": evalArith, "Div": evalArith, "Mod": evalArith,
	"Neg": evalNeg,
	"Pow": evalPow, "Sqrt": evalSqrt,
	"Concat":    evalConcat,
	"Range":     evalRange,
	"ScatterND": evalScatterND,
	"Transpose": evalTranspose,
	"Pad":       evalPad,
	"MatMul":    evalMatMul,
	"Softmax":   evalSoftmax,
}

// evalNode computes node n's first output from its inputs' values.
func evalNode(n *onnxpb.NodeProto, opset int64, in []constant) (constant, error) {
	f, ok := evalOps[n.GetOpType()]
	if !ok {
		return constant{}, fmt.Errorf("op %s on constants, which ArtLens does not compute", n.GetOpType())
	}
	c, err := f(n, opset, in)
	if err != nil {
		return constant{}, fmt.Errorf("%s: %w", n.GetOpType(), err)
	}
	if size(c.dims) > maxEval {
		return constant{}, fmt.Errorf("%s makes %d values", n.GetOpType(), size(c.dims))
	}
	return c, nil
}

// isFloat says whether c holds floats.
func (c constant) isFloat() bool { return c.f != nil }

// empty says whether c is an absent optional input.
func (c constant) empty() bool { return c.f == nil && c.i == nil && c.dims == nil }

// at returns value k of c as a float64.
func (c constant) at(k int) float64 {
	if c.f != nil {
		return float64(c.f[k])
	}
	return float64(c.i[k])
}

// like returns a tensor of dims of c's type, zeros.
func like(c constant, dims []int) constant {
	out := constant{dims: dims}
	if c.isFloat() {
		out.f = make([]float32, size(dims))
	} else {
		out.i = make([]int64, size(dims))
	}
	return out
}

// copyValue sets value to of out to value from of c (of one type).
func copyValue(out constant, to int, c constant, from int) {
	if out.f != nil {
		out.f[to] = c.f[from]
	} else {
		out.i[to] = c.i[from]
	}
}

// strides returns the row-major strides of dims.
func strides(dims []int) []int {
	s := make([]int, len(dims))
	k := 1
	for i := len(dims) - 1; i >= 0; i-- {
		s[i] = k
		k *= dims[i]
	}
	return s
}

// broadcast returns the numpy broadcast of shapes.
func broadcast(shapes ...[]int) ([]int, error) {
	rank := 0
	for _, s := range shapes {
		rank = max(rank, len(s))
	}
	out := make([]int, rank)
	for i := range out {
		out[i] = 1
	}
	for _, s := range shapes {
		for k, d := range s {
			o := &out[rank-len(s)+k]
			switch {
			case d == *o || d == 1:
			case *o == 1:
				*o = d
			default:
				return nil, fmt.Errorf("shapes %v do not broadcast", shapes)
			}
		}
	}
	return out, nil
}

// eachBroadcast calls f with each value's index in out (dims) and the
// index of the value of each input (shapes ins) it reads.
func eachBroadcast(out []int, ins [][]int, f func(o int, at []int)) {
	rank := len(out)
	st := make([][]int, len(ins))
	for k, s := range ins {
		full := strides(s)
		st[k] = make([]int, rank)
		for d := range s {
			if s[d] != 1 {
				st[k][rank-len(s)+d] = full[d]
			}
		}
	}
	idx := make([]int, rank)
	at := make([]int, len(ins))
	for o := range size(out) {
		f(o, at)
		for d := rank - 1; d >= 0; d-- {
			idx[d]++
			for k := range at {
				at[k] += st[k][d]
			}
			if idx[d] < out[d] {
				break
			}
			for k := range at {
				at[k] -= st[k][d] * idx[d]
			}
			idx[d] = 0
		}
	}
}

// axis returns axis a of a tensor of rank dimensions, counted from the
// end when negative.
func axis(a int64, rank int) (int, error) {
	if a < 0 {
		a += int64(rank)
	}
	if a < 0 || a >= int64(rank) {
		return 0, fmt.Errorf("axis %d out of range for %d dimensions", a, rank)
	}
	return int(a), nil
}

// intsIn returns input k's integers (nil when absent).
func intsIn(in []constant, k int) ([]int64, error) {
	if k >= len(in) || in[k].empty() {
		return nil, nil
	}
	v, ok := in[k].ints()
	if !ok {
		return nil, fmt.Errorf("input %d is not integers", k)
	}
	return v, nil
}

func evalFirst(_ *onnxpb.NodeProto, _ int64, in []constant) (constant, error) { return in[0], nil }

func evalCast(n *onnxpb.NodeProto, _ int64, in []constant) (constant, error) {
	c := in[0]
	switch onnxpb.TensorProto_DataType(attrInt(n, "to", 1)) {
	case onnxpb.TensorProto_FLOAT, onnxpb.TensorProto_DOUBLE:
		out := constant{dims: c.dims, f: make([]float32, size(c.dims))}
		for k := range out.f {
			out.f[k] = float32(c.at(k))
		}
		return out, nil
	case onnxpb.TensorProto_INT64, onnxpb.TensorProto_INT32:
		out := constant{dims: c.dims, i: make([]int64, size(c.dims))}
		for k := range out.i {
			out.i[k] = int64(c.at(k))
		}
		return out, nil
	case onnxpb.TensorProto_BOOL:
		out := constant{dims: c.dims, i: make([]int64, size(c.dims))}
		for k := range out.i {
			if c.at(k) != 0 {
				out.i[k] = 1
			}
		}
		return out, nil
	}
	return constant{}, fmt.Errorf("a cast to type %d", attrInt(n, "to", 1))
}

func evalShape(n *onnxpb.NodeProto, _ int64, in []constant) (constant, error) {
	d := in[0].dims
	start, end := int(attrInt(n, "start", 0)), int(attrInt(n, "end", int64(len(d))))
	clampAxis := func(a int) int {
		if a < 0 {
			a += len(d)
		}
		return min(max(a, 0), len(d))
	}
	start, end = clampAxis(start), clampAxis(end)
	out := constant{dims: []int{max(end-start, 0)}, i: []int64{}}
	for _, v := range d[start:max(start, end)] {
		out.i = append(out.i, int64(v))
	}
	return out, nil
}

func evalReshape(n *onnxpb.NodeProto, _ int64, in []constant) (constant, error) {
	t, err := intsIn(in, 1)
	if err != nil || len(in) < 2 {
		return constant{}, fmt.Errorf("its shape is not integers")
	}
	c := in[0]
	allowZero := attrInt(n, "allowzero", 0) != 0
	dims, free, known := make([]int, len(t)), -1, 1
	for k, d := range t {
		switch {
		case d == -1 && free < 0:
			free = k
			continue
		case d == 0 && !allowZero && k < len(c.dims):
			dims[k] = c.dims[k]
		case d >= 0:
			dims[k] = int(d)
		default:
			return constant{}, fmt.Errorf("a reshape of %v to %v", c.dims, t)
		}
		known *= dims[k]
	}
	if free >= 0 && known > 0 {
		dims[free] = size(c.dims) / known
	}
	if size(dims) != size(c.dims) {
		return constant{}, fmt.Errorf("a reshape of %v to %v", c.dims, t)
	}
	c.dims = dims
	return c, nil
}

func evalConstantOfShape(n *onnxpb.NodeProto, _ int64, in []constant) (constant, error) {
	shape, err := intsIn(in, 0)
	if err != nil {
		return constant{}, err
	}
	dims := make([]int, len(shape))
	for k, d := range shape {
		if d < 0 || d > maxEval {
			return constant{}, fmt.Errorf("shape %v", shape)
		}
		dims[k] = int(d)
	}
	if size(dims) > maxEval {
		return constant{}, fmt.Errorf("shape %v", shape)
	}
	v := constant{dims: []int{1}, f: []float32{0}}
	if a := attr(n, "value"); a != nil {
		if v, err = decodeTensor(a.GetT()); err != nil || size(v.dims) != 1 {
			return constant{}, fmt.Errorf("its value is not one number")
		}
	}
	out := like(v, dims)
	for k := range size(dims) {
		copyValue(out, k, v, 0)
	}
	return out, nil
}

func evalEqual(_ *onnxpb.NodeProto, _ int64, in []constant) (constant, error) {
	dims, err := broadcast(in[0].dims, in[1].dims)
	if err != nil {
		return constant{}, err
	}
	out := constant{dims: dims, i: make([]int64, size(dims))}
	eachBroadcast(dims, [][]int{in[0].dims, in[1].dims}, func(o int, at []int) {
		if in[0].at(at[0]) == in[1].at(at[1]) {
			out.i[o] = 1
		}
	})
	return out, nil
}

func evalWhere(_ *onnxpb.NodeProto, _ int64, in []constant) (constant, error) {
	if in[1].isFloat() != in[2].isFloat() {
		return constant{}, fmt.Errorf("a choice between floats and integers")
	}
	dims, err := broadcast(in[0].dims, in[1].dims, in[2].dims)
	if err != nil {
		return constant{}, err
	}
	out := like(in[1], dims)
	eachBroadcast(dims, [][]int{in[0].dims, in[1].dims, in[2].dims}, func(o int, at []int) {
		if in[0].at(at[0]) != 0 {
			copyValue(out, o, in[1], at[1])
		} else {
			copyValue(out, o, in[2], at[2])
		}
	})
	return out, nil
}

func evalNot(_ *onnxpb.NodeProto, _ int64, in []constant) (constant, error) {
	out := constant{dims: in[0].dims, i: make([]int64, size(in[0].dims))}
	for k := range out.i {
		if in[0].at(k) == 0 {
			out.i[k] = 1
		}
	}
	return out, nil
}

func evalNeg(_ *onnxpb.NodeProto, _ int64, in []constant) (constant, error) {
	out := like(in[0], in[0].dims)
	for k := range size(out.dims) {
		if out.f != nil {
			out.f[k] = -in[0].f[k]
		} else {
			out.i[k] = -in[0].i[k]
		}
	}
	return out, nil
}

func evalExpand(_ *onnxpb.NodeProto, _ int64, in []constant) (constant, error) {
	shape, err := intsIn(in, 1)
	if err != nil {
		return constant{}, err
	}
	to := make([]int, len(shape))
	for k, d := range shape {
		if d < 0 {
			return constant{}, fmt.Errorf("shape %v", shape)
		}
		to[k] = int(d)
	}
	dims, err := broadcast(in[0].dims, to)
	if err != nil {
		return constant{}, err
	}
	if size(dims) > maxEval {
		return constant{}, fmt.Errorf("shape %v", dims)
	}
	out := like(in[0], dims)
	eachBroadcast(dims, [][]int{in[0].dims}, func(o int, at []int) { copyValue(out, o, in[0], at[0]) })
	return out, nil
}

func evalGather(n *onnxpb.NodeProto, _ int64, in []constant) (constant, error) {
	data := in[0]
	idx, err := intsIn(in, 1)
	if err != nil {
		return constant{}, err
	}
	if len(data.dims) == 0 {
		return constant{}, fmt.Errorf("a gather from a scalar")
	}
	ax, err := axis(attrInt(n, "axis", 0), len(data.dims))
	if err != nil {
		return constant{}, err
	}
	outer, inner, along := size(data.dims[:ax]), size(data.dims[ax+1:]), data.dims[ax]
	dims := slices.Concat(data.dims[:ax], in[1].dims, data.dims[ax+1:])
	out := like(data, dims)
	o := 0
	for a := range outer {
		for _, k := range idx {
			if k < 0 {
				k += int64(along)
			}
			if k < 0 || k >= int64(along) {
				return constant{}, fmt.Errorf("index %d out of range %d", k, along)
			}
			for b := range inner {
				copyValue(out, o, data, (a*along+int(k))*inner+b)
				o++
			}
		}
	}
	return out, nil
}

// axesOf returns a node's axes: its attribute, or its input 1 (opset 13).
func axesOf(n *onnxpb.NodeProto, in []constant) ([]int64, error) {
	if a := attrInts(n, "axes"); a != nil {
		return a, nil
	}
	return intsIn(in, 1)
}

func evalUnsqueeze(n *onnxpb.NodeProto, _ int64, in []constant) (constant, error) {
	axes, err := axesOf(n, in)
	if err != nil {
		return constant{}, err
	}
	rank := len(in[0].dims) + len(axes)
	ones := make([]bool, rank)
	for _, a := range axes {
		k, err := axis(a, rank)
		if err != nil || ones[k] {
			return constant{}, fmt.Errorf("axes %v", axes)
		}
		ones[k] = true
	}
	c := in[0]
	dims, j := make([]int, rank), 0
	for k := range dims {
		if ones[k] {
			dims[k] = 1
		} else {
			dims[k] = c.dims[j]
			j++
		}
	}
	c.dims = dims
	return c, nil
}

func evalSqueeze(n *onnxpb.NodeProto, _ int64, in []constant) (constant, error) {
	axes, err := axesOf(n, in)
	if err != nil {
		return constant{}, err
	}
	c := in[0]
	drop := make([]bool, len(c.dims))
	for _, a := range axes {
		k, err := axis(a, len(c.dims))
		if err != nil || c.dims[k] != 1 {
			return constant{}, fmt.Errorf("axes %v of %v", axes, c.dims)
		}
		drop[k] = true
	}
	var dims []int
	for k, d := range c.dims {
		if (axes == nil && d != 1) || (axes != nil && !drop[k]) {
			dims = append(dims, d)
		}
	}
	c.dims = append([]int{}, dims...)
	return c, nil
}

func evalSlice(n *onnxpb.NodeProto, opset int64, in []constant) (constant, error) {
	c := in[0]
	var starts, ends, axes, steps []int64
	var err error
	if opset < 10 {
		starts, ends, axes = attrInts(n, "starts"), attrInts(n, "ends"), attrInts(n, "axes")
	} else {
		for k, p := range []*[]int64{&starts, &ends, &axes, &steps} {
			if *p, err = intsIn(in, k+1); err != nil {
				return constant{}, err
			}
		}
	}
	if len(ends) != len(starts) || (axes != nil && len(axes) != len(starts)) || (steps != nil && len(steps) != len(starts)) {
		return constant{}, fmt.Errorf("starts %v, ends %v, axes %v, steps %v", starts, ends, axes, steps)
	}
	rank := len(c.dims)
	from, step, dims := make([]int, rank), make([]int, rank), slices.Clone(c.dims)
	for k := range step {
		step[k] = 1
	}
	for k := range starts {
		a := k
		if axes != nil {
			if a, err = axis(axes[k], rank); err != nil {
				return constant{}, err
			}
		}
		st := int64(1)
		if steps != nil {
			st = steps[k]
		}
		if st == 0 {
			return constant{}, fmt.Errorf("a step of 0")
		}
		d := int64(c.dims[a])
		clampTo := func(v, lo, hi int64) int64 {
			if v < 0 {
				v += d
			}
			return min(max(v, lo), hi)
		}
		var b, e int64
		if st > 0 {
			b, e = clampTo(starts[k], 0, d), clampTo(ends[k], 0, d)
		} else {
			b, e = clampTo(starts[k], -1, d-1), clampTo(ends[k], -1, d-1)
		}
		cnt := int64(0)
		if st > 0 && e > b {
			cnt = (e - b + st - 1) / st
		} else if st < 0 && b > e {
			cnt = (b - e - st - 1) / -st
		}
		from[a], step[a], dims[a] = int(b), int(st), int(cnt)
	}
	out := like(c, dims)
	ins := strides(c.dims)
	idx := make([]int, rank)
	for o := range size(dims) {
		at := 0
		for k := range idx {
			at += (from[k] + idx[k]*step[k]) * ins[k]
		}
		copyValue(out, o, c, at)
		for k := rank - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < dims[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out, nil
}

func evalArith(n *onnxpb.NodeProto, _ int64, in []constant) (constant, error) {
	a, b := in[0], in[1]
	if a.isFloat() != b.isFloat() {
		return constant{}, fmt.Errorf("floats with integers")
	}
	dims, err := broadcast(a.dims, b.dims)
	if err != nil {
		return constant{}, err
	}
	op := n.GetOpType()
	out := like(a, dims)
	fmod := attrInt(n, "fmod", 0) != 0
	eachBroadcast(dims, [][]int{a.dims, b.dims}, func(o int, at []int) {
		if out.f != nil {
			x, y := a.f[at[0]], b.f[at[1]]
			var v float32
			switch op {
			case "Add":
				v = x + y
			case "Sub":
				v = x - y
			case "Mul":
				v = x * y
			case "Div":
				v = x / y
			case "Mod":
				v = float32(math.Mod(float64(x), float64(y)))
				if !fmod && v != 0 && (v < 0) != (y < 0) {
					v += y
				}
			}
			out.f[o] = v
			return
		}
		x, y := a.i[at[0]], b.i[at[1]]
		var v int64
		switch op {
		case "Add":
			v = x + y
		case "Sub":
			v = x - y
		case "Mul":
			v = x * y
		case "Div":
			if y != 0 {
				v = x / y
			} else {
				err = fmt.Errorf("a division by zero")
			}
		case "Mod":
			if y == 0 {
				err = fmt.Errorf("a division by zero")
				break
			}
			v = x % y
			if !fmod && v != 0 && (v < 0) != (y < 0) {
				v += y // Python's sign, the divisor's
			}
		}
		out.i[o] = v
	})
	return out, err
}

func evalConcat(n *onnxpb.NodeProto, _ int64, in []constant) (constant, error) {
	if len(in) == 0 || len(in[0].dims) == 0 {
		return constant{}, fmt.Errorf("a join of scalars")
	}
	ax, err := axis(attrInt(n, "axis", 0), len(in[0].dims))
	if err != nil {
		return constant{}, err
	}
	dims := slices.Clone(in[0].dims)
	dims[ax] = 0
	for _, c := range in {
		if len(c.dims) != len(dims) || c.isFloat() != in[0].isFloat() {
			return constant{}, fmt.Errorf("a join of %v and %v", in[0].dims, c.dims)
		}
		for k := range dims {
			if k != ax && c.dims[k] != dims[k] {
				return constant{}, fmt.Errorf("a join of %v and %v", in[0].dims, c.dims)
			}
		}
		dims[ax] += c.dims[ax]
	}
	out := like(in[0], dims)
	outer, inner := size(dims[:ax]), size(dims[ax+1:])
	o := 0
	for a := range outer {
		for _, c := range in {
			m := c.dims[ax] * inner
			for k := range m {
				copyValue(out, o, c, a*m+k)
				o++
			}
		}
	}
	return out, nil
}

func evalRange(_ *onnxpb.NodeProto, _ int64, in []constant) (constant, error) {
	if size(in[0].dims) != 1 || size(in[1].dims) != 1 || size(in[2].dims) != 1 {
		return constant{}, fmt.Errorf("bounds that are not numbers")
	}
	start, limit, delta := in[0].at(0), in[1].at(0), in[2].at(0)
	if delta == 0 {
		return constant{}, fmt.Errorf("a step of 0")
	}
	cnt := int(max(math.Ceil((limit-start)/delta), 0))
	if cnt > maxEval {
		return constant{}, fmt.Errorf("%d values", cnt)
	}
	out := like(in[0], []int{cnt})
	for k := range cnt {
		v := start + float64(k)*delta
		if out.f != nil {
			out.f[k] = float32(v)
		} else {
			out.i[k] = int64(v)
		}
	}
	return out, nil
}

func evalScatterND(n *onnxpb.NodeProto, _ int64, in []constant) (constant, error) {
	data, upd := in[0], in[2]
	idx, err := intsIn(in, 1)
	if err != nil {
		return constant{}, err
	}
	if r := attrString(n, "reduction", "none"); r != "none" {
		return constant{}, fmt.Errorf("reduction %q", r)
	}
	id := in[1].dims
	if len(id) == 0 || data.isFloat() != upd.isFloat() {
		return constant{}, fmt.Errorf("indices of shape %v", id)
	}
	q := id[len(id)-1]
	if q > len(data.dims) {
		return constant{}, fmt.Errorf("indices of shape %v into %v", id, data.dims)
	}
	out := like(data, slices.Clone(data.dims))
	copy(out.f, data.f)
	copy(out.i, data.i)
	st := strides(data.dims)
	inner := size(data.dims[q:])
	tuples := size(id[:len(id)-1])
	if size(upd.dims) != tuples*inner {
		return constant{}, fmt.Errorf("updates of shape %v for indices %v into %v", upd.dims, id, data.dims)
	}
	for t := range tuples {
		at := 0
		for k := range q {
			v := idx[t*q+k]
			if v < 0 {
				v += int64(data.dims[k])
			}
			if v < 0 || v >= int64(data.dims[k]) {
				return constant{}, fmt.Errorf("index %d out of range %d", v, data.dims[k])
			}
			at += int(v) * st[k]
		}
		for k := range inner {
			copyValue(out, at+k, upd, t*inner+k)
		}
	}
	return out, nil
}

func evalTranspose(n *onnxpb.NodeProto, _ int64, in []constant) (constant, error) {
	c := in[0]
	rank := len(c.dims)
	perm := attrInts(n, "perm")
	if perm == nil {
		for k := rank - 1; k >= 0; k-- {
			perm = append(perm, int64(k))
		}
	}
	if len(perm) != rank {
		return constant{}, fmt.Errorf("perm %v for %d dimensions", perm, rank)
	}
	dims := make([]int, rank)
	seen := make([]bool, rank)
	for k, p := range perm {
		if p < 0 || int(p) >= rank || seen[p] {
			return constant{}, fmt.Errorf("perm %v", perm)
		}
		seen[p] = true
		dims[k] = c.dims[p]
	}
	ins := strides(c.dims)
	out := like(c, dims)
	idx := make([]int, rank)
	for o := range size(dims) {
		at := 0
		for k, p := range perm {
			at += idx[k] * ins[p]
		}
		copyValue(out, o, c, at)
		for k := rank - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < dims[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out, nil
}

func evalPad(n *onnxpb.NodeProto, opset int64, in []constant) (constant, error) {
	c := in[0]
	if m := attrString(n, "mode", "constant"); m != "constant" {
		return constant{}, fmt.Errorf("mode %q", m)
	}
	pads, value := attrInts(n, "pads"), attrFloat(n, "value", 0)
	if opset >= 11 {
		var err error
		if pads, err = intsIn(in, 1); err != nil {
			return constant{}, err
		}
		if len(in) > 2 && !in[2].empty() && size(in[2].dims) == 1 {
			value = float32(in[2].at(0))
		}
		if len(in) > 3 && !in[3].empty() {
			return constant{}, fmt.Errorf("pads of chosen axes")
		}
	}
	rank := len(c.dims)
	if len(pads) != 2*rank {
		return constant{}, fmt.Errorf("pads %v for %d dimensions", pads, rank)
	}
	dims := make([]int, rank)
	for k := range dims {
		if pads[k] < 0 || pads[k+rank] < 0 {
			return constant{}, fmt.Errorf("negative pads %v", pads)
		}
		dims[k] = c.dims[k] + int(pads[k]+pads[k+rank])
	}
	out := like(c, dims)
	for k := range size(dims) {
		if out.f != nil {
			out.f[k] = value
		} else {
			out.i[k] = int64(value)
		}
	}
	os := strides(dims)
	idx := make([]int, rank)
	for k := range size(c.dims) {
		at := 0
		for d := range idx {
			at += (idx[d] + int(pads[d])) * os[d]
		}
		copyValue(out, at, c, k)
		for d := rank - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < c.dims[d] {
				break
			}
			idx[d] = 0
		}
	}
	return out, nil
}

func evalMatMul(_ *onnxpb.NodeProto, _ int64, in []constant) (constant, error) {
	a, b := in[0], in[1]
	if !a.isFloat() || !b.isFloat() || len(a.dims) < 2 || len(b.dims) < 2 {
		return constant{}, fmt.Errorf("a product of %v and %v", a.dims, b.dims)
	}
	ra, rb := len(a.dims), len(b.dims)
	m, k, n := a.dims[ra-2], a.dims[ra-1], b.dims[rb-1]
	if b.dims[rb-2] != k {
		return constant{}, fmt.Errorf("a product of %v and %v", a.dims, b.dims)
	}
	batch, err := broadcast(a.dims[:ra-2], b.dims[:rb-2])
	if err != nil {
		return constant{}, err
	}
	if size(batch)*m*n > maxEval {
		return constant{}, fmt.Errorf("a product of %v and %v", a.dims, b.dims)
	}
	out := constant{dims: slices.Concat(batch, []int{m, n}), f: make([]float32, size(batch)*m*n)}
	eachBroadcast(batch, [][]int{a.dims[:ra-2], b.dims[:rb-2]}, func(o int, at []int) {
		x, y, z := a.f[at[0]*m*k:], b.f[at[1]*k*n:], out.f[o*m*n:]
		for i := range m {
			for j := range n {
				s := float32(0)
				for l := range k {
					s += x[i*k+l] * y[l*n+j]
				}
				z[i*n+j] = s
			}
		}
	})
	return out, nil
}

func evalSoftmax(n *onnxpb.NodeProto, opset int64, in []constant) (constant, error) {
	c := in[0]
	def := int64(-1)
	if opset < 13 {
		def = 1
	}
	ax, err := axis(attrInt(n, "axis", def), len(c.dims))
	if err != nil || !c.isFloat() || (opset < 13 && ax != len(c.dims)-1) {
		return constant{}, fmt.Errorf("a softmax on axis %d of %v", ax, c.dims)
	}
	out := like(c, c.dims)
	outer, along, inner := size(c.dims[:ax]), c.dims[ax], size(c.dims[ax+1:])
	for a := range outer {
		for b := range inner {
			at := func(j int) int { return (a*along+j)*inner + b }
			m := math.Inf(-1)
			for j := range along {
				m = max(m, float64(c.f[at(j)]))
			}
			s := 0.0
			for j := range along {
				s += math.Exp(float64(c.f[at(j)]) - m)
			}
			for j := range along {
				out.f[at(j)] = float32(math.Exp(float64(c.f[at(j)])-m) / s)
			}
		}
	}
	return out, nil
}

func evalPow(_ *onnxpb.NodeProto, _ int64, in []constant) (constant, error) {
	a, b := in[0], in[1]
	dims, err := broadcast(a.dims, b.dims)
	if err != nil {
		return constant{}, err
	}
	// A float exponent gives floats (PyTorch's int ** -0.5).
	out := constant{dims: dims}
	if a.isFloat() || b.isFloat() {
		out.f = make([]float32, size(dims))
	} else {
		out.i = make([]int64, size(dims))
	}
	eachBroadcast(dims, [][]int{a.dims, b.dims}, func(o int, at []int) {
		v := math.Pow(a.at(at[0]), b.at(at[1]))
		if out.f != nil {
			out.f[o] = float32(v)
		} else {
			out.i[o] = int64(v)
		}
	})
	return out, nil
}

func evalSqrt(_ *onnxpb.NodeProto, _ int64, in []constant) (constant, error) {
	if !in[0].isFloat() {
		return constant{}, fmt.Errorf("a square root of integers")
	}
	out := like(in[0], in[0].dims)
	for k, v := range in[0].f {
		out.f[k] = float32(math.Sqrt(float64(v)))
	}
	return out, nil
}
