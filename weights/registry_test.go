package weights

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
)

// TestShippedModels checks the registry: every shipped model loads under
// its name (case aside), names are unique, the study's is first and the
// default, every embedded file is offered, and an unknown name is refused
// with the known ones.
func TestShippedModels(t *testing.T) {
	if Shipped[0].Name != "study" {
		t.Errorf("the default model is %q, want the study's", Shipped[0].Name)
	}
	seen := map[string]bool{}
	for _, e := range Shipped {
		if seen[strings.ToLower(e.Name)] {
			t.Errorf("the name %q is used twice", e.Name)
		}
		seen[strings.ToLower(e.Name)] = true
		m, err := Load(strings.ToUpper(e.Name))
		if err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		if m.ParamCount() == 0 || len(m.Meta.Classes) < 2 {
			t.Errorf("%s: %d parameters, classes %v", e.Name, m.ParamCount(), m.Meta.Classes)
		}
	}
	embedded, err := fs.Glob(files, "*.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range embedded {
		if !slices.ContainsFunc(Shipped, func(e Entry) bool { return e.File == f }) {
			t.Errorf("%s is embedded but not in Shipped", f)
		}
	}
	def, _ := Model()
	study, _ := Load("study")
	if def.ParamCount() != study.ParamCount() || !slices.Equal(def.Params()[0].Data, study.Params()[0].Data) {
		t.Error("Model() is not the study's model")
	}
	if _, err := Load("nonesuch"); err == nil || !strings.Contains(err.Error(), "shipped: study") {
		t.Errorf("unknown name: %v", err)
	}
	if !slices.Equal(Names()[:1], []string{"study"}) {
		t.Errorf("names %v", Names())
	}
}
