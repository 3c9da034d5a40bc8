package engine

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/nlpodyssey/safetensors"
	"gorgonia.org/tensor"

	"github.com/artlens/artlens/engine/nn"
	"github.com/artlens/artlens/internal/atomicfile"
)

// metadataKey is the safetensors header entry that holds Metadata as JSON.
const metadataKey = "artlens"

// formatVersion is written beside the metadata so that a later layout can
// be told apart.
const formatVersion = "1"

// ErrBadWeights is wrapped by every error about a weights file that cannot
// be used (truncated, damaged, not a safetensors file, or for another model).
var ErrBadWeights = errors.New("unusable weights file")

// Load reads a model from safetensors bytes. The header's "artlens" entry
// holds the Metadata as JSON, with the architecture (the study's when it
// names none); tensor names are those of Params ("conv1.weight" ...
// "dense3.bias" for the study). A file that is truncated, damaged, misses a
// tensor, has a tensor of the wrong shape or type, a class count that does
// not match its output layer, or non-finite weights is refused with an
// error wrapping ErrBadWeights that says what is wrong.
func Load(data []byte) (*Model, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrBadWeights, fmt.Sprintf(format, a...))
	}
	if len(data) < 8 {
		return nil, bad("the file is empty or too short to be a safetensors file (%d bytes)", len(data))
	}
	hlen := binary.LittleEndian.Uint64(data[:8])
	if hlen > uint64(len(data)-8) {
		return nil, bad("the file is truncated or not a safetensors file (header of %d bytes, file of %d)", hlen, len(data))
	}
	st, err := safetensors.Deserialize(data)
	if err != nil {
		return nil, bad("the file is truncated or damaged (%v)", err)
	}
	_, header, err := safetensors.ReadMetadata(data)
	if err != nil {
		return nil, bad("cannot read the header: %v", err)
	}
	raw, ok := header.Metadata()[metadataKey]
	if !ok {
		return nil, bad("the file has no ArtLens metadata (class names, preprocessing): it was not written by ArtLens")
	}
	var meta Metadata
	if err := json.Unmarshal([]byte(raw), &meta); err != nil {
		return nil, bad("the metadata is damaged: %v", err)
	}
	if len(meta.Classes) < 2 {
		return nil, bad("the metadata names %d classes; a model needs at least 2", len(meta.Classes))
	}
	arch := StudyArch()
	if meta.Arch != nil {
		arch = *meta.Arch
	} else if meta.InputSize != InputSize {
		return nil, bad("the model takes %dx%d images; the study's network takes %dx%d and the file describes no other", meta.InputSize, meta.InputSize, InputSize, InputSize)
	}
	steps, err := arch.plan(len(meta.Classes))
	if err != nil {
		return nil, bad("the architecture it describes is not usable: %v", err)
	}
	specs := paramSpecs(steps)
	m := &Model{kernels: new(nn.KernelStore), Meta: meta, arch: arch, steps: steps, places: placesOf(steps)}
	last := ""
	if len(specs) > 0 {
		last = strings.TrimSuffix(specs[len(specs)-1].Name, ".bias")
		last = strings.TrimSuffix(last, ".weight")
	}
	output := func(name string) bool { return strings.HasPrefix(name, last+".") }
	for _, s := range specs {
		tv, ok := st.Tensor(s.Name)
		if !ok {
			if output(s.Name) {
				return nil, bad("missing tensor %q", s.Name)
			}
			return nil, bad("missing tensor %q (is this a model of another architecture?)", s.Name)
		}
		if tv.DType() != safetensors.F32 {
			return nil, bad("tensor %q is %s, want F32", s.Name, tv.DType())
		}
		shape := make([]int, len(tv.Shape()))
		for i, d := range tv.Shape() {
			shape[i] = int(d)
		}
		if !slices.Equal(shape, []int(s.Shape)) {
			if output(s.Name) {
				return nil, bad("tensor %q has shape %v but the metadata names %d classes %v (want shape %v)", s.Name, shape, len(meta.Classes), meta.Classes, []int(s.Shape))
			}
			return nil, bad("tensor %q has shape %v, want %v", s.Name, shape, []int(s.Shape))
		}
		raw := tv.Data()
		vals := make([]float32, len(raw)/4)
		for i := range vals {
			v := math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, bad("tensor %q holds a non-finite value (%v) at index %d", s.Name, v, i)
			}
			vals[i] = v
		}
		m.weights = append(m.weights, tensor.New(tensor.WithShape(s.Shape.Clone()...), tensor.WithBacking(vals)))
	}
	if extra := len(st.Names()) - len(specs); extra > 0 {
		return nil, bad("the file has %d tensors this network does not have", extra)
	}
	return m, nil
}

// maxLayerValues caps the values (float32) that one layer of a loaded
// model may work on for one picture: its padded input, its output, and for
// a conv layer the unfolded windows the matrix product takes (channels ×
// kernel × output size). A few small tensors in a file can describe maps
// of billions of values (a huge padding, say), and running such a model
// would end the process for want of memory.
const maxLayerValues = 1 << 28

// checkLayerSizes refuses steps of which a layer works on more than
// maxLayerValues values. It computes in float64, so sizes that overflow
// an int in plan are caught too.
func checkLayerSizes(steps []step) error {
	for i, s := range steps {
		if s.Kind != Conv2D && s.Kind != MaxPool && s.Kind != AvgPool {
			continue
		}
		c := float64(s.in.c)
		ph := float64(s.in.h) + float64(s.pads[0]) + float64(s.pads[2])
		pw := float64(s.in.w) + float64(s.pads[1]) + float64(s.pads[3])
		oh := math.Floor((ph-float64(s.kh))/float64(s.sh)) + 1
		ow := math.Floor((pw-float64(s.kw))/float64(s.sw)) + 1
		out := c * oh * ow
		if s.Kind == Conv2D {
			out = float64(s.Filters) * oh * ow
		}
		n := max(c*ph*pw, out)
		if s.Kind == Conv2D {
			n = max(n, c*float64(s.kh)*float64(s.kw)*oh*ow)
		}
		if n > maxLayerValues {
			return fmt.Errorf("layer %d (%s) would work on %.3g values for each picture (maps of %.0fx%.0f with padding); at most %d are possible",
				i+1, s.Name, n, pw, ph, maxLayerValues)
		}
	}
	return nil
}

// LoadFile reads a model from a safetensors file; errors name the file.
func LoadFile(path string) (*Model, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the weights file: %w", err)
	}
	m, err := Load(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return m, nil
}

// Marshal returns the model as safetensors bytes. Meta.Created is set when
// empty.
func (m *Model) Marshal() ([]byte, error) {
	if m.Meta.Created == "" {
		m.Meta.Created = time.Now().UTC().Format(time.RFC3339)
	}
	m.Meta.Arch = nil
	if !isStudy(m.arch) {
		a := m.arch
		m.Meta.Arch = &a
	}
	meta, err := json.Marshal(m.Meta)
	if err != nil {
		return nil, err
	}
	views := map[string]safetensors.TensorView{}
	add := func(name string, shape []int, data []float32) error {
		buf := make([]byte, 4*len(data))
		for i, v := range data {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		dims := make([]uint64, len(shape))
		for i, d := range shape {
			dims[i] = uint64(d)
		}
		tv, err := safetensors.NewTensorView(safetensors.F32, dims, buf)
		if err != nil {
			return err
		}
		views[name] = tv
		return nil
	}
	for _, p := range m.Weights() {
		if err := add(p.Name, p.Shape, p.Data); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	info := map[string]string{metadataKey: string(meta), "format": "artlens/" + formatVersion}
	if err := safetensors.SerializeToWriter(views, info, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// SaveFile writes the model to path atomically (a temporary file renamed
// into place), so an interrupted save never leaves a damaged file.
func (m *Model) SaveFile(path string) error {
	data, err := m.Marshal()
	if err != nil {
		return err
	}
	return writeAtomic(path, data)
}

func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, data, 0o644)
}
