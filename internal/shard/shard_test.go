package shard

import (
	"fmt"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Shard
		ok   bool
	}{
		{"1/1", Shard{1, 1}, true}, {"2/8", Shard{2, 8}, true}, {"8/8", Shard{8, 8}, true},
		{"0/8", Shard{}, false}, {"9/8", Shard{}, false}, {"1/0", Shard{}, false},
		{"2", Shard{}, false}, {"a/b", Shard{}, false}, {"", Shard{}, false},
	} {
		got, err := Parse(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("Parse(%q) = %v, %v", tc.in, got, err)
		}
	}
}

// Every file is in exactly one shard; the shards are about even; a file's
// shard does not change when others are added.
func TestSplit(t *testing.T) {
	const n = 7
	count := make([]int, n)
	for f := range 7000 {
		rel := fmt.Sprintf("painting/%04d.jpg", f)
		in := 0
		for i := 1; i <= n; i++ {
			if (Shard{i, n}).Has(rel) {
				in++
				count[i-1]++
			}
		}
		if in != 1 {
			t.Fatalf("%s is in %d shards", rel, in)
		}
	}
	for i, c := range count {
		if c < 800 || c > 1200 {
			t.Errorf("shard %d/%d holds %d of 7000", i+1, n, c)
		}
	}
	if !(Shard{}).Has("x") || !(Shard{1, 1}).Has("x") {
		t.Error("the whole set lacks a file")
	}
}

func TestRel(t *testing.T) {
	roots := []string{"data/a", "one.jpg", "/abs/b"}
	for file, want := range map[string]string{
		"data/a/x/1.jpg": "x/1.jpg", "one.jpg": "one.jpg", "/abs/b/2.png": "2.png", "elsewhere/3.jpg": "3.jpg",
	} {
		if got := Rel(roots, file); got != want {
			t.Errorf("Rel(%q) = %q, want %q", file, got, want)
		}
	}
}
