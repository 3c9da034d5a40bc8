// Command mkcorpus writes the seed corpus of engine's FuzzLoad into
// engine/testdata/fuzz/FuzzLoad. FuzzLoad's input is a file's first bytes
// and a count of zero bytes that follow them, so a seed can be a whole
// model (its header, then 5.8 MB of zero weights) in a few kilobytes. The
// seeds are valid models and ones damaged in the ways Load refuses.
//
// Run it from the repository root: go run ./engine/testdata/mkcorpus
package main

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/artlens/artlens/engine"
)

const out = "engine/testdata/fuzz/FuzzLoad"

func main() {
	m, err := engine.NewModel([]string{"drawings", "iconography", "painting", "sculpture"}, 1)
	if err != nil {
		log.Fatal(err)
	}
	m.Meta.History = []engine.Epoch{{Epoch: 1, TrainLoss: 1.2, TrainAccuracy: 0.5, ValLoss: 1.1, ValAccuracy: 0.55, LearningRate: 0.001, Seconds: 80}}
	m.Meta.BestEpoch = 1
	ev, err := engine.NewEvaluation(m.Meta.Classes, []int{0, 1, 2, 3, 3}, []int{0, 1, 2, 3, 0})
	if err != nil {
		log.Fatal(err)
	}
	m.Meta.Test = &ev
	m.Meta.Created = "2026-01-02T03:04:05Z"
	file, err := m.Marshal()
	if err != nil {
		log.Fatal(err)
	}
	hlen := binary.LittleEndian.Uint64(file)
	header := string(file[8 : 8+hlen])
	body := len(file) - 8 - int(hlen)

	// withHeader is a file with header h (its length before it) and the
	// first keep bytes of the tensor data, then pad zero bytes.
	withHeader := func(h string, keep []byte, pad int) ([]byte, uint32) {
		b := binary.LittleEndian.AppendUint64(nil, uint64(len(h)))
		b = append(b, h...)
		return append(b, keep...), uint32(pad)
	}
	var meta map[string]any
	var tensors map[string]any
	if err := json.Unmarshal([]byte(header), &tensors); err != nil {
		log.Fatal(err)
	}
	meta = tensors["__metadata__"].(map[string]any)
	// edited returns the header with f applied to a copy of its JSON.
	edited := func(f func(h map[string]any)) string {
		var h map[string]any
		json.Unmarshal([]byte(header), &h)
		f(h)
		b, err := json.Marshal(h)
		if err != nil {
			log.Fatal(err)
		}
		return string(b)
	}
	artlens := func(f func(md map[string]any)) func(h map[string]any) {
		return func(h map[string]any) {
			var md map[string]any
			json.Unmarshal([]byte(meta["artlens"].(string)), &md)
			f(md)
			b, _ := json.Marshal(md)
			h["__metadata__"].(map[string]any)["artlens"] = string(b)
		}
	}
	nan := binary.LittleEndian.AppendUint32(nil, 0x7fc00000)

	type seed struct {
		prefix []byte
		pad    uint32
	}
	seeds := map[string]seed{}
	add := func(name string, prefix []byte, pad uint32) { seeds[name] = seed{prefix, pad} }
	add("empty", nil, 0)
	add("text", []byte("this is not a model at all"), 0)
	add("zeros", nil, 64)
	p, n := withHeader(header, nil, body)
	add("model-zero-weights", p, n)
	p, n = withHeader(header, file[8+hlen:8+hlen+4096], body-4096)
	add("model-some-weights", p, n)
	p, n = withHeader(header, nil, body/2)
	add("model-truncated", p, n)
	p, n = withHeader(header, nil, body+3)
	add("model-trailing-bytes", p, n)
	p, n = withHeader(header, nan, body-4)
	add("model-nan-weight", p, n)
	p, n = withHeader(header[:len(header)/2], nil, 0)
	add("header-cut", p, n)
	p, n = withHeader("{}", nil, 0)
	add("header-empty", p, n)
	p, n = withHeader(`{"__metadata__":{"format":"artlens/1"}}`, nil, 0)
	add("header-no-tensors", p, n)
	p, n = withHeader(edited(func(h map[string]any) { delete(h["__metadata__"].(map[string]any), "artlens") }), nil, body)
	add("model-no-metadata", p, n)
	p, n = withHeader(edited(func(h map[string]any) { h["__metadata__"].(map[string]any)["artlens"] = "{not json" }), nil, body)
	add("model-metadata-damaged", p, n)
	p, n = withHeader(edited(artlens(func(md map[string]any) { md["classes"] = []string{"ink", "oil", "stone"} })), nil, body)
	add("model-class-count-mismatch", p, n)
	p, n = withHeader(edited(artlens(func(md map[string]any) { md["input_size"] = 128 })), nil, body)
	add("model-input-size", p, n)
	p, n = withHeader(edited(artlens(func(md map[string]any) {
		md["test"] = map[string]any{"classes": []string{"a"}, "confusion": [][]int{{1, 2, 3}, {-4}}, "total": -1}
		md["history"] = []map[string]any{{"epoch": -3, "val_accuracy": 1e308}}
		md["best_epoch"] = 99
	})), nil, body)
	add("model-odd-evaluation", p, n)
	p, n = withHeader(edited(func(h map[string]any) { h["conv1.bias"].(map[string]any)["dtype"] = "F16" }), nil, body)
	add("model-f16-tensor", p, n)
	p, n = withHeader(edited(func(h map[string]any) { h["conv1.bias"].(map[string]any)["shape"] = []uint64{1 << 62, 1 << 62} }), nil, body)
	add("model-huge-shape", p, n)
	p, n = withHeader(edited(func(h map[string]any) { delete(h, "dense3.bias") }), nil, body)
	add("model-missing-tensor", p, n)
	p, n = withHeader(strings.Replace(header, `"data_offsets":[0,`, `"data_offsets":[4,`, 1), nil, body)
	add("model-bad-offsets", p, n)

	// Models of other architectures, described in the metadata: a small
	// one, and one whose few tensors describe maps of billions of values.
	small := engine.Arch{Input: engine.Input{Channels: 1, Height: 12, Width: 10}, Layers: []engine.Layer{
		{Kind: engine.Conv2D, Filters: 2, Kernel: []int{3}, Padding: engine.PaddingExplicit, Pads: []int{1, 1, 1, 1}},
		{Kind: engine.BatchNorm}, {Kind: engine.ReLU},
		{Kind: engine.AvgPool, Kernel: []int{2}}, {Kind: engine.Flatten},
		{Kind: engine.Dense, Units: 3}, {Kind: engine.Dropout, Rate: 0.5}, {Kind: engine.Dense}, {Kind: engine.Softmax}}}
	huge := engine.Arch{Input: engine.Input{Channels: 3, Height: 8, Width: 8}, Layers: []engine.Layer{
		{Kind: engine.Conv2D, Filters: 1, Kernel: []int{1}, Padding: engine.PaddingExplicit, Pads: []int{1 << 20, 1 << 20, 1 << 20, 1 << 20}},
		{Kind: engine.GlobalAvgPool}, {Kind: engine.Flatten}, {Kind: engine.Dense}}}
	for name, a := range map[string]engine.Arch{"arch-small": small, "arch-huge-padding": huge} {
		m, err := engine.NewModelArch(a, []string{"a", "b"}, 2)
		if err != nil {
			log.Fatal(err)
		}
		m.Meta.Created = "2026-01-02T03:04:05Z"
		data, err := m.Marshal()
		if err != nil {
			log.Fatal(err)
		}
		add(name, data, 0)
	}

	if err := os.MkdirAll(out, 0o755); err != nil {
		log.Fatal(err)
	}
	for name, s := range seeds {
		text := fmt.Sprintf("go test fuzz v1\n[]byte(%s)\nuint32(%d)\n", strconv.Quote(string(s.prefix)), s.pad)
		if err := os.WriteFile(filepath.Join(out, name), []byte(text), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("wrote %d files to %s\n", len(seeds), out)
}
