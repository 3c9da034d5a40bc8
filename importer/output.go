package importer

import (
	"fmt"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/importer/internal/onnxpb"
)

// passThrough are the ops that may follow a classifier's last step
// without changing its values (a flatten, a reshape to (batch, classes)).
var passThrough = map[string]bool{"Identity": true, "Flatten": true, "Reshape": true, "Dropout": true, "Squeeze": true, "Cast": true}

// logitOps are the last steps of a classifier that gives logits (a linear
// layer, its bias, a scale by a constant, a pooling of class maps as
// SqueezeNet's): ArtLens takes their softmax, as for a final Softmax.
var logitOps = map[string]bool{"Gemm": true, "MatMul": true, "Add": true, "Sub": true, "Mul": true, "Div": true,
	"GlobalAveragePool": true, "ReduceMean": true, "AveragePool": true}

// outputKind returns the output kind of graph g from the op that makes
// its output (past the ops in passThrough): engine.OutputSoftmax for a
// Softmax or LogSoftmax or for logits, engine.OutputSigmoid for a Sigmoid.
// Any other last step (a ReLU, a Tanh, a Clip...) gives values that are
// neither probabilities nor logits, and is refused naming it, so that
// ArtLens never shows a softmax of them as the model's answer.
func outputKind(g *onnxpb.GraphProto) (string, error) {
	made := map[string]*onnxpb.NodeProto{}
	index := map[*onnxpb.NodeProto]int{}
	for i, n := range g.GetNode() {
		index[n] = i
		for _, o := range n.GetOutput() {
			made[o] = n
		}
	}
	name := g.GetOutput()[0].GetName()
	for range len(g.GetNode()) + 1 {
		n, ok := made[name]
		if !ok {
			// The input or a constant: the reader says what is wrong.
			return engine.OutputSoftmax, nil
		}
		op := n.GetOpType()
		switch {
		case op == "Softmax" || op == "LogSoftmax" || logitOps[op]:
			return engine.OutputSoftmax, nil
		case op == "Sigmoid":
			return engine.OutputSigmoid, nil
		case passThrough[op] && len(n.GetInput()) > 0:
			name = n.GetInput()[0]
			continue
		}
		return "", fmt.Errorf("%w: the graph's output is made by %s node %s, which is not a classifier's output; "+
			"ArtLens reads models whose last step is Softmax or LogSoftmax (probabilities), Sigmoid (independent scores) "+
			"or a linear layer (Gemm, MatMul, Add: logits, shown through a softmax)", ErrUnsupported, op, nodeName(n, index[n]))
	}
	return "", fmt.Errorf("%w: the graph's output is in a cycle", ErrUnsupported)
}

// setOutput records the output kind in the model's layers: a sigmoid
// model's final Sigmoid layer is taken out, and the engine applies it as
// the model's output (Arch.Output) in place of the softmax, so that the
// logits are the values before it (what Grad-CAM differentiates).
func (r *reader) setOutput(kind string) error {
	if kind != engine.OutputSigmoid {
		return nil
	}
	last := len(r.layers) - 1
	if last < 1 || r.layers[last].Kind != engine.Sigmoid || len(r.refs[last]) != 1 || r.refs[last][0] != last-1 {
		return fmt.Errorf("%w: the graph ends with a Sigmoid that is not the last step of its chain of layers", ErrUnsupported)
	}
	r.layers, r.refs, r.from = r.layers[:last], r.refs[:last], r.from[:last]
	r.value.src = last - 1
	r.output = kind
	return nil
}
