package explain

import (
	"context"
	"fmt"
	"strings"

	"github.com/artlens/artlens/engine"
)

// Request says what one explanation method explains.
type Request struct {
	// Input is the network's input, m.Input().Len() values in CHW order
	// (as picture.ToInputShape returns it).
	Input []float32
	// Class is the class explained; -1 means the class the network predicts.
	Class int
	// Place is the place a CAM method reads (a conv layer from 1, or any
	// place of m.Places()); 0 means m.CAMPlace(). Methods that do not
	// read a place ignore it.
	Place int
	// Occlusion configures the occlusion method.
	Occlusion OcclusionOptions
	// RISE configures the RISE method.
	RISE RISEOptions
	// Seed seeds the methods that draw random numbers, so that a map can
	// be made again exactly.
	Seed uint64
}

// Method is one explanation method, as the command line, the window and
// the trust checks find it by name in Methods.
type Method struct {
	// Name is the method's name on the command line and in JSON.
	Name string
	// Sentence says in one plain sentence what the map shows.
	Sentence string
	// ReadsPlace is true for the methods that read a place's maps (the
	// CAMs); the others read only the input and the output.
	ReadsPlace bool
	// NeedsAttention is true for the methods that read a transformer's
	// attention (rollout): they have no meaning for a CNN.
	NeedsAttention bool
	// Run makes the map. It stops with ctx's error when ctx is cancelled.
	Run func(ctx context.Context, m *engine.Model, req Request) (Map, error)
}

// methods lists every method, in the order the window offers them.
var methods = []Method{
	{
		Name:       MethodGradCAM,
		Sentence:   "Grad-CAM: where in a layer's maps the evidence for the class lies, weighting each map by the mean of the class's gradient over it.",
		ReadsPlace: true,
		Run: func(_ context.Context, m *engine.Model, req Request) (Map, error) {
			return GradCAM(m, req.Input, req.Place, req.Class)
		},
	},
	{
		Name:     MethodOcclusion,
		Sentence: "Occlusion: how much the class's probability drops when a grey patch hides each part of the picture.",
		Run: func(ctx context.Context, m *engine.Model, req Request) (Map, error) {
			return Occlusion(ctx, m, req.Input, req.Class, req.Occlusion)
		},
	},
	{
		Name:       MethodHiResCAM,
		Sentence:   "HiResCAM: where in a layer's maps the evidence for the class lies, multiplying each map by the class's gradient cell by cell.",
		ReadsPlace: true,
		Run:        gradientCAM(MethodHiResCAM, HiResCAMValues),
	},
	{
		Name:       MethodGradCAMPP,
		Sentence:   "Grad-CAM++: like Grad-CAM, with each map weighted by its positive gradients only, so several separate parts of the picture can all show.",
		ReadsPlace: true,
		Run:        gradientCAM(MethodGradCAMPP, GradCAMPlusPlusValues),
	},
	{
		Name:       MethodScoreCAM,
		Sentence:   "Score-CAM: each of a layer's maps used as a mask over the picture, weighted by how much the masked picture alone raises the class's score.",
		ReadsPlace: true,
		Run: func(ctx context.Context, m *engine.Model, req Request) (Map, error) {
			return ScoreCAM(ctx, m, req.Input, req.Place, req.Class)
		},
	},
	{
		Name:       MethodEigenCAM,
		Sentence:   "Eigen-CAM: the main pattern of a layer's maps (their first principal component); the same for every class.",
		ReadsPlace: true,
		Run: func(_ context.Context, m *engine.Model, req Request) (Map, error) {
			return EigenCAM(m, req.Input, req.Place, req.Class)
		},
	},
	{
		Name:     MethodIntegratedGradients,
		Sentence: "Integrated Gradients: how much each pixel adds to (or takes from) the class's score, along a path from a black picture to this one.",
		Run: func(ctx context.Context, m *engine.Model, req Request) (Map, error) {
			return IntegratedGradients(ctx, m, req.Input, req.Class)
		},
	},
	{
		Name:     MethodSmoothGrad,
		Sentence: "SmoothGrad: how strongly each pixel sways the class's score, averaged over 50 noisy copies of the picture.",
		Run: func(ctx context.Context, m *engine.Model, req Request) (Map, error) {
			return SmoothGrad(ctx, m, req.Input, req.Class, req.Seed)
		},
	},
	{
		Name:     MethodRISE,
		Sentence: "RISE: the class's probability when random parts of the picture are hidden, averaged for each pixel over the times it was kept.",
		Run: func(ctx context.Context, m *engine.Model, req Request) (Map, error) {
			return RISE(ctx, m, req.Input, req.Class, req.RISE, req.Seed)
		},
	},
	{
		Name:           MethodRollout,
		NeedsAttention: true,
		Sentence:       "Attention rollout: where a transformer's class token gathers from, through all its blocks' attention (the same for every class).",
		Run: func(_ context.Context, m *engine.Model, req Request) (Map, error) {
			return Rollout(m, req.Input, req.Class)
		},
	},
}

// AppliesTo reports whether the method has a meaning for m: every method
// does but those that read attention, which need a transformer.
func (me Method) AppliesTo(m *engine.Model) bool {
	return !me.NeedsAttention || m.HasAttention()
}

// MethodsFor returns the methods that have a meaning for m, in the order of
// Methods: what a method picker offers for that model.
func MethodsFor(m *engine.Model) []Method {
	var out []Method
	for _, me := range methods {
		if me.AppliesTo(m) {
			out = append(out, me)
		}
	}
	return out
}

// Methods returns every explanation method, in the order the window offers
// them. The slice is a copy.
func Methods() []Method {
	return append([]Method(nil), methods...)
}

// LookupMethod returns the method called name, or an error that lists the
// names there are.
func LookupMethod(name string) (Method, error) {
	for _, me := range methods {
		if me.Name == name {
			return me, nil
		}
	}
	names := make([]string, len(methods))
	for i, me := range methods {
		names[i] = me.Name
	}
	return Method{}, fmt.Errorf("explain: no method %q (there are %s)", name, strings.Join(names, ", "))
}
