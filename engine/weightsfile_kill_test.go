package engine

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/artlens/artlens/internal/killtest"
)

// TestSaveFileKilled kills a process saving models at random moments: the
// weights file is then one of the models, whole, never part of one.
func TestSaveFileKilled(t *testing.T) {
	classes := []string{"a", "b", "c", "d", "e"}
	ms := make([]*Model, 3)
	model := func(i int) *Model { // made on first use: the child needs two
		if ms[i] == nil {
			m, err := NewModel(classes, uint64(i+1))
			if err != nil {
				panic(err)
			}
			m.Meta.Created = "2026-01-01T00:00:00Z" // the same in parent and child
			ms[i] = m
		}
		return ms[i]
	}
	found := map[int]bool{}
	killtest.Run(t, 8, 1500*time.Millisecond,
		func(dir string) {
			if err := model(0).SaveFile(filepath.Join(dir, "model.safetensors")); err != nil {
				t.Fatal(err)
			}
		},
		func(dir string, i int) {
			if err := model(1 + i%2).SaveFile(filepath.Join(dir, "model.safetensors")); err != nil {
				panic(err)
			}
		},
		func(dir string) {
			got, err := os.ReadFile(filepath.Join(dir, "model.safetensors"))
			if err != nil {
				t.Fatal(err)
			}
			for i := range ms {
				want, err := model(i).Marshal()
				if err != nil {
					t.Fatal(err)
				}
				if bytes.Equal(got, want) {
					found[i] = true
					return
				}
			}
			t.Fatalf("after a kill the weights file (%d bytes) is none of the models", len(got))
		})
	t.Logf("models found after the kills: %v", found)
}
