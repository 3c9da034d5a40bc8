package training

import (
	"fmt"
	"slices"
	"strings"

	"github.com/artlens/artlens/dataset"
	"github.com/artlens/artlens/engine"
)

// SmallArch is a small, fast network for a live lesson: three 3x3 conv
// layers (16, 32 and 64 filters, each with ReLU and 2x2 max pooling) on
// 32x32 RGB pictures, a dense layer of 64 units with dropout, and the
// output layer. An epoch of 400 pictures takes a few seconds on two cores,
// about a tenth of the study's network.
func SmallArch() engine.Arch {
	a := engine.Arch{Input: engine.Input{Channels: 3, Height: 32, Width: 32}}
	for _, f := range []int{16, 32, 64} {
		a.Layers = append(a.Layers,
			engine.Layer{Kind: engine.Conv2D, Filters: f, Kernel: []int{3, 3}, Padding: engine.PaddingSame},
			engine.Layer{Kind: engine.ReLU},
			engine.Layer{Kind: engine.MaxPool, Kernel: []int{2, 2}})
	}
	a.Layers = append(a.Layers, engine.Layer{Kind: engine.Flatten},
		engine.Layer{Kind: engine.Dense, Units: 64}, engine.Layer{Kind: engine.ReLU},
		engine.Layer{Kind: engine.Dropout, Rate: 0.3},
		engine.Layer{Kind: engine.Dense}, engine.Layer{Kind: engine.Softmax})
	return a
}

// SmallResidualArch is a small residual network for a live lesson, what
// depth and skip connections look like at the size of SmallArch: a 3x3
// stem conv of 16 filters on 32x32 RGB pictures, then three residual
// blocks of 16, 32 and 64 filters, each halving the maps (two 3x3 convs
// with a skip connection around them through a 1x1 conv), a batch norm
// after every conv, global average pooling and the output layer: 78,644
// values for four classes (SmallArch 89,444, most in its dense layer). The layer names
// follow torchvision's ResNets (block2.conv1, block2.downsample, ...).
func SmallResidualArch() engine.Arch {
	a := engine.Arch{Input: engine.Input{Channels: 3, Height: 32, Width: 32}}
	add := func(l engine.Layer) string { a.Layers = append(a.Layers, l); return l.Name }
	conv := func(name string, f, k, s int, in ...string) string {
		p := k / 2
		add(engine.Layer{Kind: engine.Conv2D, Name: name, Inputs: in, Filters: f, Kernel: []int{k, k}, Stride: []int{s, s},
			Padding: engine.PaddingExplicit, Pads: []int{p, p, p, p}, NoBias: true})
		return add(engine.Layer{Kind: engine.BatchNorm, Name: name + ".bn"})
	}
	conv("stem", 16, 3, 1)
	x := add(engine.Layer{Kind: engine.ReLU, Name: "stem.relu"})
	for i, f := range []int{16, 32, 64} {
		name := fmt.Sprintf("block%d", i+1)
		conv(name+".conv1", f, 3, 2, x)
		add(engine.Layer{Kind: engine.ReLU, Name: name + ".relu"})
		y := conv(name+".conv2", f, 3, 1)
		skip := conv(name+".downsample", f, 1, 2, x)
		add(engine.Layer{Kind: engine.Add, Name: name, Inputs: []string{y, skip}})
		x = add(engine.Layer{Kind: engine.ReLU, Name: name + ".relu_1"})
	}
	add(engine.Layer{Kind: engine.GlobalAvgPool, Name: "avgpool"})
	add(engine.Layer{Kind: engine.Flatten})
	add(engine.Layer{Kind: engine.Dense, Name: "fc"})
	return a
}

// NamedArch returns the network that 'artlens train --arch NAME' and the
// Train view (artlens --view train --arch NAME) know by name: small,
// small-residual, study or resnet (at 128x128, the companion's).
func NamedArch(name string) (engine.Arch, bool) {
	switch name {
	case "small":
		return SmallArch(), true
	case "small-residual":
		return SmallResidualArch(), true
	case "study":
		return engine.StudyArch(), true
	case "resnet":
		return ResNetArch(128), true
	}
	return engine.Arch{}, false
}

// Sizes are the input sizes the Train view offers (artlens train --size
// takes any from MinSize to MaxSize): the side of the square every picture
// is shrunk to. A larger side sees finer detail but costs about the square
// of the side in time and memory.
var Sizes = []int{32, 48, 64, 96, 128}

// The smallest and largest input side Resize accepts.
const (
	MinSize = 16
	MaxSize = 512
)

// Resize returns arch taking size x size pictures (its layers unchanged:
// the dense layer after the last pooling grows with the maps), or why it
// cannot: size out of range, or a network whose windows no longer fit (the
// study's, with unpadded convolutions, needs 48 or more). size 0 keeps
// arch's own size.
func Resize(arch engine.Arch, size int) (engine.Arch, error) {
	if size == 0 || (arch.Input.Width == size && arch.Input.Height == size) {
		return arch, nil
	}
	if size < MinSize || size > MaxSize {
		return arch, fmt.Errorf("training: the input size %d is not from %d to %d", size, MinSize, MaxSize)
	}
	arch.Input.Width, arch.Input.Height = size, size
	if err := arch.Validate(2); err != nil {
		return arch, fmt.Errorf("training: the network cannot take %dx%d pictures (%v): choose a larger size", size, size, strings.TrimPrefix(err.Error(), "engine: "))
	}
	return arch, nil
}

// FineTuneModel returns a model for classes that keeps base's layers and
// weights but for the last one, a new output layer (one unit per class,
// initialised from seed as NewModelArch does). Trained with
// Config.FineTune, only that layer learns: base's features are reused for
// new classes, which a few hundred pictures suffice for.
func FineTuneModel(base *engine.Model, classes []string, seed uint64) (*engine.Model, error) {
	arch := base.Arch()
	last := -1
	for i, l := range arch.Layers {
		if l.Kind == engine.Dense {
			last = i
		}
	}
	if last < 0 {
		return nil, fmt.Errorf("training: the model %v has no dense output layer to replace", base.Meta.Classes)
	}
	arch.Layers[last].Units = 0 // one per class
	m, err := engine.NewModelArch(arch, classes, seed)
	if err != nil {
		return nil, err
	}
	old, params := base.Params(), m.Params()
	if len(old) != len(params) {
		return nil, fmt.Errorf("training: the model's tensors do not match its architecture")
	}
	frozen := frozenBelowLast(params)
	for i, p := range params {
		if frozen[i] {
			copy(p.Data, old[i].Data)
		}
	}
	return m, nil
}

// FolderConfig is the data set configuration for training on dir: the Art
// Images download or a plain folder of class folders (dataset.Plain). With
// no classes given, they are the study's four for the download and every
// class folder of a plain folder. val is the share held out for
// validation; 0 means 0.1 of training_set for the download and 0.2 of a
// plain folder, whose validation split is its only check. The study's
// folder map (engraving into drawings) applies to the study's classes only.
func FolderConfig(dir string, classes []string, val float64, cacheDir string) (dataset.Config, error) {
	plain := dataset.Plain(dir)
	if len(classes) == 0 {
		classes = dataset.DefaultClasses
		if plain {
			var err error
			if classes, err = dataset.ClassFolders(dir); err != nil {
				return dataset.Config{}, err
			}
		}
	}
	cfg := dataset.Config{Root: dir, Classes: classes, ValFraction: val, CacheDir: cacheDir}
	if plain && val == 0 {
		cfg.ValFraction = 0.2
	}
	if !slices.Equal(classes, dataset.DefaultClasses) {
		cfg.ClassMap = map[string]string{}
	}
	return cfg, nil
}

// LoadData prepares the data of cfg for a network taking in: pictures at
// its size (square only), in grayscale for a one-channel network.
func LoadData(cfg dataset.Config, in engine.Input, progress func(done, total int)) (*dataset.Data, error) {
	if in.Width != in.Height {
		return nil, fmt.Errorf("the model takes %dx%d pictures; the data set is prepared at square sizes only", in.Width, in.Height)
	}
	cfg.Size = in.Width
	data, err := dataset.Load(cfg, progress)
	if err != nil {
		return nil, err
	}
	if in.Channels == 1 {
		data.ToGray()
	}
	return data, nil
}

// ResNetArch is the companion network ArtLens ships beside the study's:
// torchvision's ResNet-18 at half its width (32, 64, 128 and 256 filters
// in its four stages, 2.8 M parameters), with batch norm after every conv
// and a skip connection around every pair of 3x3 convs (a 1x1 conv where
// the shape changes), for side×side RGB pictures. The layer names are
// torchvision's (layer3.1.conv2, ...), so a class can compare it with the
// ResNet-18 they know.
func ResNetArch(side int) engine.Arch {
	return engine.ResNet18Arch(side, [4]int{32, 64, 128, 256})
}

// LabelConfig is the data set configuration for training on dir with
// classes given per file instead of by class folders (a catalogue's field:
// centuries, schools): labels maps a file's path relative to dir
// (slash-separated, "training_set/painting/x.jpg" in the download) to one
// of classes. No picture is copied; the files labels do not name are left
// out. val is as FolderConfig's.
func LabelConfig(dir string, classes []string, labels map[string]string, val float64, cacheDir string) dataset.Config {
	cfg := dataset.Config{Root: dir, Classes: classes, Labels: labels, ValFraction: val, CacheDir: cacheDir, ClassMap: map[string]string{}}
	if dataset.Plain(dir) && val == 0 {
		cfg.ValFraction = 0.2
	}
	return cfg
}
