package shard

import (
	"errors"
	"fmt"
	"hash/fnv"
	"path/filepath"
	"strconv"
	"strings"
)

// Shard is part I of N (I from 1 to N); the zero value is the whole set.
// It is a flag.Value.
type Shard struct {
	I, N int
}

// Parse reads "I/N", with 1 <= I <= N; its error says what it wants.
func Parse(s string) (Shard, error) {
	is, ns, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(is))
	n, err2 := strconv.Atoi(strings.TrimSpace(ns))
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return Shard{}, errors.New("I/N with 1 <= I <= N (such as 2/8)")
	}
	return Shard{I: i, N: n}, nil
}

// Whole reports whether s is the whole set (no --shard, or 1/1).
func (s Shard) Whole() bool { return s.N <= 1 }

// Has reports whether the file at rel, its path relative to the folder it
// was found in (or its name, for a file given by itself), is in s.
func (s Shard) Has(rel string) bool {
	if s.Whole() {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(filepath.ToSlash(rel)))
	return h.Sum64()%uint64(s.N) == uint64(s.I-1)
}

// String returns "I/N", or "" for the whole set.
func (s Shard) String() string {
	if s.Whole() {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.I, s.N)
}

// Set parses "I/N" into s (flag.Value).
func (s *Shard) Set(v string) error {
	p, err := Parse(v)
	if err != nil {
		return err
	}
	*s = p
	return nil
}

// Rel returns the path of file relative to the first of roots that holds
// it (its name when it is one of roots, or in none of them): the key that
// Has splits by.
func Rel(roots []string, file string) string {
	for _, r := range roots {
		if file == r {
			return filepath.Base(file)
		}
		if rel, err := filepath.Rel(r, file); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return filepath.Base(file)
}
