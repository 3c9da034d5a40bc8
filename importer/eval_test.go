package importer

import (
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/artlens/artlens/importer/internal/onnxpb"
)

// TestEvalOps checks the ops that the importer computes on constants
// (evalOps) on values worked out by hand, numpy's and ONNX's rules.
func TestEvalOps(t *testing.T) {
	f := func(dims []int, v ...float32) constant { return constant{dims: dims, f: v} }
	i := func(dims []int, v ...int64) constant { return constant{dims: dims, i: v} }
	ints := func(name string, v ...int64) *onnxpb.AttributeProto {
		return &onnxpb.AttributeProto{Name: proto.String(name), Ints: v, Type: onnxpb.AttributeProto_INTS.Enum()}
	}
	one := func(name string, v int64) *onnxpb.AttributeProto {
		return &onnxpb.AttributeProto{Name: proto.String(name), I: proto.Int64(v), Type: onnxpb.AttributeProto_INT.Enum()}
	}
	cases := []struct {
		name  string
		op    string
		attrs []*onnxpb.AttributeProto
		in    []constant
		want  constant
	}{
		{"mod takes the divisor's sign", "Mod", nil, []constant{i([]int{3}, 7, -7, 6), i([]int{}, 4)}, i([]int{3}, 3, 1, 2)},
		{"fmod takes the dividend's", "Mod", []*onnxpb.AttributeProto{one("fmod", 1)}, []constant{f([]int{2}, 7, -7), f([]int{}, 4)}, f([]int{2}, 3, -3)},
		{"range", "Range", nil, []constant{i(nil, 2), i(nil, 9), i(nil, 3)}, i([]int{3}, 2, 5, 8)},
		{"sub broadcasts (2,1) and (1,3)", "Sub", nil, []constant{f([]int{2, 1}, 1, 2), f([]int{1, 3}, 0, 1, 2)}, f([]int{2, 3}, 1, 0, -1, 2, 1, 0)},
		{"equal of floats", "Equal", nil, []constant{f([]int{3}, 0, 1, 0), f([]int{}, 0)}, i([]int{3}, 1, 0, 1)},
		{"where broadcasts", "Where", nil, []constant{i([]int{2}, 1, 0), f([]int{}, -100), f([]int{2}, 5, 6)}, f([]int{2}, -100, 6)},
		{"not", "Not", nil, []constant{i([]int{2}, 1, 0)}, i([]int{2}, 0, 1)},
		{"scatternd of rows", "ScatterND", nil, []constant{f([]int{3, 2}, 0, 0, 0, 0, 0, 0), i([]int{1, 1}, 2), f([]int{1, 2}, 7, 8)},
			f([]int{3, 2}, 0, 0, 0, 0, 7, 8)},
		{"slice backwards with a step", "Slice", nil, []constant{i([]int{5}, 0, 1, 2, 3, 4), i([]int{1}, -1), i([]int{1}, -9), i([]int{1}, 0), i([]int{1}, -2)},
			i([]int{3}, 4, 2, 0)},
		{"slice of a matrix's columns", "Slice", nil, []constant{f([]int{2, 3}, 1, 2, 3, 4, 5, 6), i([]int{1}, 1), i([]int{1}, 1<<62), i([]int{1}, 1)},
			f([]int{2, 2}, 2, 3, 5, 6)},
		{"gather of rows of a table", "Gather", nil, []constant{f([]int{3, 2}, 1, 2, 3, 4, 5, 6), i([]int{2, 2}, 2, 0, 1, -1)},
			f([]int{2, 2, 2}, 5, 6, 1, 2, 3, 4, 5, 6)},
		{"transpose", "Transpose", []*onnxpb.AttributeProto{ints("perm", 1, 0)}, []constant{f([]int{2, 3}, 1, 2, 3, 4, 5, 6)}, f([]int{3, 2}, 1, 4, 2, 5, 3, 6)},
		{"pad", "Pad", nil, []constant{f([]int{1, 2}, 1, 2), i([]int{4}, 0, 1, 0, 0)}, f([]int{1, 3}, 0, 1, 2)},
		{"batched matmul broadcasts", "MatMul", nil, []constant{f([]int{2, 1, 2}, 1, 0, 0, 1), f([]int{2, 2}, 1, 2, 3, 4)}, f([]int{2, 1, 2}, 1, 2, 3, 4)},
		{"concat of matrices' columns", "Concat", []*onnxpb.AttributeProto{one("axis", -1)}, []constant{f([]int{2, 1}, 1, 2), f([]int{2, 1}, 3, 4)},
			f([]int{2, 2}, 1, 3, 2, 4)},
		{"expand", "Expand", nil, []constant{f([]int{2, 1}, 1, 2), i([]int{2}, 2, 2)}, f([]int{2, 2}, 1, 1, 2, 2)},
		{"unsqueeze at the end", "Unsqueeze", nil, []constant{f([]int{2}, 1, 2), i([]int{1}, -1)}, f([]int{2, 1}, 1, 2)},
		{"cast to bool", "Cast", []*onnxpb.AttributeProto{one("to", int64(onnxpb.TensorProto_BOOL))}, []constant{f([]int{2}, 0, -3)}, i([]int{2}, 0, 1)},
		{"int to the power -0.5 is a float", "Pow", nil, []constant{i(nil, 16), f(nil, -0.5)}, f([]int{}, 0.25)},
		{"constant of shape", "ConstantOfShape", nil, []constant{i([]int{2}, 1, 2)}, f([]int{1, 2}, 0, 0)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := &onnxpb.NodeProto{OpType: proto.String(c.op), Attribute: c.attrs}
			for range c.in {
				n.Input = append(n.Input, "x")
			}
			for k := range c.in {
				if c.in[k].dims == nil && (c.in[k].f != nil || c.in[k].i != nil) {
					c.in[k].dims = []int{}
				}
			}
			got, err := evalNode(n, 17, c.in)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.dims, c.want.dims) || !slices.Equal(got.f, c.want.f) || !slices.Equal(got.i, c.want.i) {
				t.Errorf("got %v %v %v, want %v %v %v", got.dims, got.f, got.i, c.want.dims, c.want.f, c.want.i)
			}
		})
	}
}

// TestEvalRefusals checks that bad values give errors, not panics.
func TestEvalRefusals(t *testing.T) {
	cases := []struct {
		op string
		in []constant
	}{
		{"Mod", []constant{{dims: []int{1}, i: []int64{3}}, {dims: []int{}, i: []int64{0}}}},
		{"Range", []constant{{dims: []int{}, i: []int64{0}}, {dims: []int{}, i: []int64{1 << 40}}, {dims: []int{}, i: []int64{1}}}},
		{"Gather", []constant{{dims: []int{2}, f: []float32{1, 2}}, {dims: []int{1}, i: []int64{5}}}},
		{"Sub", []constant{{dims: []int{2}, f: []float32{1, 2}}, {dims: []int{3}, f: []float32{1, 2, 3}}}},
		{"ScatterND", []constant{{dims: []int{2}, f: []float32{1, 2}}, {dims: []int{1, 1}, i: []int64{2}}, {dims: []int{1}, f: []float32{1}}}},
		{"Erf", []constant{{dims: []int{1}, f: []float32{1}}}},
	}
	for _, c := range cases {
		n := &onnxpb.NodeProto{OpType: proto.String(c.op)}
		if _, err := evalNode(n, 17, c.in); err == nil {
			t.Errorf("%s of %v: no error", c.op, c.in)
		}
	}
}
