package nn

import (
	"sync"
	"sync/atomic"

	"github.com/artlens/artlens/internal/sgemm"
)

// KernelStore holds the conv layers' kernels packed for the products (and
// the batch norms folded into them) for every inference graph of a
// model, and of the models that share its weights (Model.Share): each
// graph used to pack its own, 43 MB a graph for ResNet-18, and the
// window runs three (Explore's and the analysis' two). It is allocated
// apart from the model, so that the ops holding it do not hold the model
// (see Model.version).
type KernelStore struct {
	// version moves whenever the weights may have changed; the packed
	// kernels of an older version are not used again.
	version atomic.Uint64

	mu     sync.Mutex
	layers map[int]*PackedKernels // by step index
}

// PackedKernels are one conv layer's kernels packed for one version of
// the weights. They are never written once published: a graph still
// running on an older version keeps its own until it runs again.
type PackedKernels struct {
	version uint64
	kernels []sgemm.PackedA // per group
	shift   []float32       // the bias with a batch norm folded in, or nil
}

// WeightsChanged says that the weights may have changed: the packed
// kernels of older versions are not used again.
func (s *KernelStore) WeightsChanged() { s.version.Add(1) }

// Version returns the weights' version, which WeightsChanged moves.
func (s *KernelStore) Version() uint64 { return s.version.Load() }

// get returns layer's packed kernels for version, made by pack (under
// the store's lock, so that graphs asking at once pack them once) when
// the store has none of that version.
func (s *KernelStore) get(layer int, version uint64, pack func(*PackedKernels) error) (*PackedKernels, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.layers[layer]; p != nil && p.version == version {
		return p, nil
	}
	p := &PackedKernels{version: version}
	if err := pack(p); err != nil {
		return nil, err
	}
	if s.layers == nil {
		s.layers = map[int]*PackedKernels{}
	}
	s.layers[layer] = p
	return p, nil
}
