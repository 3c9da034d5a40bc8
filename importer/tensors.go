package importer

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/artlens/artlens/importer/internal/onnxpb"
)

// constant is a tensor known without running the network: a weight, or a
// value of the shape arithmetic PyTorch writes (Shape, Gather, Concat...).
// Exactly one of f and i is set.
type constant struct {
	dims []int
	f    []float32
	i    []int64
}

// size returns the number of values that dims holds.
func size(dims []int) int {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return n
}

// decodeTensor reads a TensorProto of floats or integers, from its typed
// fields or its raw little-endian bytes.
func decodeTensor(t *onnxpb.TensorProto) (constant, error) {
	c := constant{dims: make([]int, len(t.GetDims()))}
	for i, d := range t.GetDims() {
		if d < 0 {
			return c, fmt.Errorf("tensor %q has a negative dimension %v", t.GetName(), t.GetDims())
		}
		c.dims[i] = int(d)
	}
	if t.GetDataLocation() == onnxpb.TensorProto_EXTERNAL || len(t.GetExternalData()) > 0 {
		return c, fmt.Errorf("tensor %q is stored in an external file; export the model as one file (PyTorch does for models under 2 GB)", t.GetName())
	}
	n := size(c.dims)
	raw := t.GetRawData()
	typ := onnxpb.TensorProto_DataType(t.GetDataType())
	short := func(got int) error {
		return fmt.Errorf("tensor %q holds %d values for dimensions %v", t.GetName(), got, c.dims)
	}
	switch typ {
	case onnxpb.TensorProto_FLOAT:
		if raw != nil {
			if len(raw) != 4*n {
				return c, short(len(raw) / 4)
			}
			c.f = make([]float32, n)
			for i := range c.f {
				c.f[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
			}
		} else {
			if len(t.GetFloatData()) != n {
				return c, short(len(t.GetFloatData()))
			}
			c.f = append([]float32(nil), t.GetFloatData()...)
		}
	case onnxpb.TensorProto_DOUBLE:
		c.f = make([]float32, n)
		if raw != nil {
			if len(raw) != 8*n {
				return c, short(len(raw) / 8)
			}
			for i := range c.f {
				c.f[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:])))
			}
		} else {
			if len(t.GetDoubleData()) != n {
				return c, short(len(t.GetDoubleData()))
			}
			for i, v := range t.GetDoubleData() {
				c.f[i] = float32(v)
			}
		}
	case onnxpb.TensorProto_INT64:
		c.i = make([]int64, n)
		if raw != nil {
			if len(raw) != 8*n {
				return c, short(len(raw) / 8)
			}
			for i := range c.i {
				c.i[i] = int64(binary.LittleEndian.Uint64(raw[8*i:]))
			}
		} else {
			if len(t.GetInt64Data()) != n {
				return c, short(len(t.GetInt64Data()))
			}
			copy(c.i, t.GetInt64Data())
		}
	case onnxpb.TensorProto_INT32:
		c.i = make([]int64, n)
		if raw != nil {
			if len(raw) != 4*n {
				return c, short(len(raw) / 4)
			}
			for i := range c.i {
				c.i[i] = int64(int32(binary.LittleEndian.Uint32(raw[4*i:])))
			}
		} else {
			if len(t.GetInt32Data()) != n {
				return c, short(len(t.GetInt32Data()))
			}
			for i, v := range t.GetInt32Data() {
				c.i[i] = int64(v)
			}
		}
	case onnxpb.TensorProto_BOOL:
		// Flags such as Dropout's training_mode: 0 or 1.
		c.i = make([]int64, n)
		if raw != nil {
			if len(raw) != n {
				return c, short(len(raw))
			}
			for i, b := range raw {
				c.i[i] = int64(min(b, 1))
			}
		} else {
			if len(t.GetInt32Data()) != n {
				return c, short(len(t.GetInt32Data()))
			}
			for i, v := range t.GetInt32Data() {
				c.i[i] = int64(min(max(v, 0), 1))
			}
		}
	default:
		return c, fmt.Errorf("tensor %q is of type %v; ArtLens reads float32 weights (convert half-precision models to float32 before exporting)", t.GetName(), typ)
	}
	for i, v := range c.f {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return c, fmt.Errorf("tensor %q holds a non-finite value (%v) at index %d", t.GetName(), v, i)
		}
	}
	return c, nil
}

// ints returns c's values as integers (float values are refused).
func (c constant) ints() ([]int64, bool) {
	if c.i == nil && len(c.f) > 0 {
		return nil, false
	}
	return c.i, true
}
