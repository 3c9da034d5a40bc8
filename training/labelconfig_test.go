package training

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLabelConfig(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "unsorted"), 0o755); err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{"unsorted/a.jpg": "16th century"}
	cfg := LabelConfig(dir, []string{"16th century", "17th century"}, labels, 0, "-")
	if cfg.Labels["unsorted/a.jpg"] != "16th century" || len(cfg.Classes) != 2 || cfg.ClassMap == nil || len(cfg.ClassMap) != 0 {
		t.Errorf("config %+v", cfg)
	}
	if cfg.ValFraction != 0.2 { // a plain folder's only check is its validation share
		t.Errorf("val %v, want 0.2 for a plain folder", cfg.ValFraction)
	}
	if cfg = LabelConfig(dir, cfg.Classes, labels, 0.3, "-"); cfg.ValFraction != 0.3 {
		t.Errorf("val %v, want the 0.3 given", cfg.ValFraction)
	}
}
