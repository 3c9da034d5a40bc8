package nn

import (
	"fmt"
	"hash"
	"hash/fnv"
	"runtime"
	"sync/atomic"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/artlens/artlens/internal/sgemm"
)

// gemm sets c (m×n) to a·b, or adds a·b to c with acc. Matrices are
// row-major; a is m×k, stored as k×m when ta is set; b is k×n, stored as
// n×k when tb is set. Up to threads goroutines share the work: ops give
// GOMAXPROCS for a batch of one image (a prediction) and 1 otherwise, since
// larger batches are split over graphs that run side by side (training,
// PredictBatch).
func gemm(ta, tb bool, m, n, k int, a, b []float32, acc bool, c []float32, threads int) {
	lda, ldb := k, n
	if ta {
		lda = m
	}
	if tb {
		ldb = k
	}
	sgemm.Mul(ta, tb, m, n, k, a, lda, b, ldb, acc, c, n, threads)
}

// threadsFor returns how many goroutines an op's products may use for a
// batch of the given size (see gemm).
func threadsFor(batch int) int {
	if batch == 1 {
		return runtime.GOMAXPROCS(0)
	}
	return 1
}

// opIDs numbers the ops so that no two hash alike: gorgonia merges nodes
// whose ops and inputs hash the same, and each op owns buffers.
var opIDs atomic.Uint64

// opBase is what the ops share: a name, an identity, and the
// answers gorgonia's compiler asks for (no pointers into the inputs, no
// cgo of their own, no overwriting of inputs).
type opBase struct {
	name string
	id   uint64
}

func newOpBase(format string, args ...any) opBase {
	return opBase{name: fmt.Sprintf(format, args...), id: opIDs.Add(1)}
}

func (o *opBase) ReturnsPtr() bool      { return false }
func (o *opBase) CallsExtern() bool     { return false }
func (o *opBase) OverwritesInput() int  { return -1 }
func (o *opBase) String() string        { return o.name }
func (o *opBase) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%s#%d", o.name, o.id) }
func (o *opBase) Hashcode() uint32 {
	h := fnv.New32a()
	o.WriteHash(h)
	return h.Sum32()
}

// layerInputs are the inputs of a layer with weights (a convolution, a
// dense layer): x and the weights, both of dims dimensions like the
// output, and a bias of one dimension when bias is set.
type layerInputs struct {
	dims int
	bias bool
}

func (l layerInputs) Arity() int {
	if l.bias {
		return 3
	}
	return 2
}

func (l layerInputs) Type() hm.Type {
	if l.bias {
		return fnType(l.dims, l.dims, 1, l.dims)
	}
	return fnType(l.dims, l.dims, l.dims)
}

// apply applies op, whose inputs l describes, to x, the weights w and the
// bias b (nil for none).
func (l layerInputs) apply(op G.Op, x, w, b *G.Node) (*G.Node, error) {
	if b == nil {
		return G.ApplyOp(op, x, w)
	}
	return G.ApplyOp(op, x, w, b)
}

// fnType is the type of an op taking float tensors of the given numbers of
// dimensions, the last one being its output's.
func fnType(dims ...int) hm.Type {
	ts := make([]hm.Type, len(dims))
	for i, d := range dims {
		ts[i] = &G.TensorType{Dims: d, Of: hm.TypeVariable('a')}
	}
	return hm.NewFnType(ts...)
}

// reuse returns *t, replaced by a new float32 tensor when it does not have
// the given shape. Its contents are whatever the last run left.
func reuse(t **tensor.Dense, shape tensor.Shape) *tensor.Dense {
	if *t == nil || !(*t).Shape().Eq(shape) {
		*t = tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(shape.Clone()...))
	}
	return *t
}

// grow returns buf with length n, reallocated only when too short.
func grow(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n)
	}
	return buf[:n]
}

// f32s returns the float32 data of a value, or an error naming op. It
// reads the slice without going through Value.Data, whose interface
// result costs an allocation per call.
func f32s(op string, v G.Value) ([]float32, error) {
	d, ok := v.(*tensor.Dense)
	if !ok || d.Dtype() != tensor.Float32 {
		return nil, fmt.Errorf("%s: float32 tensors only, got %T of %v", op, v, v.Dtype())
	}
	return d.Float32s(), nil
}

// shapeOf returns the shape of an op's input as gorgonia gives it.
func shapeOf(op string, d G.DimSizer) (tensor.Shape, error) {
	s, ok := d.(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("%s: expected a shape, got %T", op, d)
	}
	return s, nil
}

// reluGradOp passes the gradient dy where the ReLU's output y is positive:
// the backward pass of a fused ReLU. Inputs: y, dy.
type reluGradOp struct {
	opBase
	dims int
	out  *tensor.Dense
}

func newReluGrad(dims int) *reluGradOp {
	return &reluGradOp{opBase: newOpBase("ReLUGrad"), dims: dims}
}

func (op *reluGradOp) Arity() int    { return 2 }
func (op *reluGradOp) Type() hm.Type { return fnType(op.dims, op.dims, op.dims) }
func (op *reluGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(op.name, in[0])
}

func (op *reluGradOp) Do(in ...G.Value) (G.Value, error) {
	y, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	dy, err := f32s(op.name, in[1])
	if err != nil {
		return nil, err
	}
	out := reuse(&op.out, in[0].Shape())
	// Where the ReLU's output is +0 its gradient is 0, elsewhere (positive
	// or NaN) it passes dy: a mask of y's bits, no branch (half the values
	// go each way, and a branch mispredicted that often took most of the
	// loop's time).
	sgemm.ReLUGrad(out.Float32s(), dy, y)
	return out, nil
}

// biasGradOp sums a gradient (B, C, ...) over everything but its second
// axis: the gradient of a bias added to each of C channels or units.
type biasGradOp struct {
	opBase
	dims int
	out  *tensor.Dense
}

func newBiasGrad(dims int) *biasGradOp {
	return &biasGradOp{opBase: newOpBase("BiasGrad"), dims: dims}
}

func (op *biasGradOp) Arity() int    { return 1 }
func (op *biasGradOp) Type() hm.Type { return fnType(op.dims, 1) }
func (op *biasGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(op.name, in[0])
	if err != nil {
		return nil, err
	}
	return tensor.Shape{s[1]}, nil
}

func (op *biasGradOp) Do(in ...G.Value) (G.Value, error) {
	g, err := f32s(op.name, in[0])
	if err != nil {
		return nil, err
	}
	s := in[0].Shape()
	c := s[1]
	n := s.TotalSize() / (s[0] * c) // values per channel per image
	out := reuse(&op.out, tensor.Shape{c})
	db := out.Float32s()
	clear(db)
	for b := 0; b < s[0]; b++ {
		for ch := 0; ch < c; ch++ {
			db[ch] += sum(g[(b*c+ch)*n : (b*c+ch+1)*n])
		}
	}
	return out, nil
}

// sum returns the sum of x, added up in eight running sums: one running
// sum waits for each addition before the next (it took 5% of a training
// step), eight run side by side.
func sum(x []float32) float32 {
	var s [8]float32
	i := 0
	for ; i+8 <= len(x); i += 8 {
		v := (*[8]float32)(x[i:])
		s[0] += v[0]
		s[1] += v[1]
		s[2] += v[2]
		s[3] += v[3]
		s[4] += v[4]
		s[5] += v[5]
		s[6] += v[6]
		s[7] += v[7]
	}
	for ; i < len(x); i++ {
		s[i&7] += x[i]
	}
	return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))
}
