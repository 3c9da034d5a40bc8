package ui

import (
	"strings"
	"testing"

	"github.com/artlens/artlens/weights"
)

// TestFileMenuShippedModels checks that the File menu offers each shipped
// model and that choosing one makes it the current model, named.
func TestFileMenuShippedModels(t *testing.T) {
	h := newHarness(t, Options{})
	file := h.s.menu.main.Items[0]
	for _, e := range weights.Shipped {
		found := false
		for _, it := range file.Items {
			if it.Label != "Use the shipped model: "+e.Name {
				continue
			}
			found = true
			it.Action()
			h.settle()
			if h.s.modelName != e.Name || h.s.model == nil {
				t.Fatalf("after choosing %s: model %q", e.Name, h.s.modelName)
			}
			want, _ := e.Load()
			if h.s.model.ParamCount() != want.ParamCount() {
				t.Errorf("%s: %d parameters, the shipped file has %d", e.Name, h.s.model.ParamCount(), want.ParamCount())
			}
		}
		if !found {
			var labels []string
			for _, it := range file.Items {
				labels = append(labels, it.Label)
			}
			t.Errorf("no File menu item for %s: %s", e.Name, strings.Join(labels, " | "))
		}
	}
}
