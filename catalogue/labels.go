package catalogue

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Labels is a field's classes for training without class folders: ByPath
// maps a picture's path relative to the data folder (slash-separated) to
// its class, Classes are the names used (as Joined.Classes orders them),
// Counts the pictures per class, Several the pictures left out for having
// several values.
type Labels struct {
	Field   string
	ByPath  map[string]string
	Classes []string
	Counts  map[string]int
	Several int
}

// LabelsFor makes field's classes for the pictures paths (in Join's order)
// under the folder root, as 'artlens train --label' and the Train view
// both use them. It fails when the catalogue has no such field or the
// field makes fewer than two classes.
func (j *Joined) LabelsFor(root string, paths []string, field string) (Labels, error) {
	f := j.Cat.Field(field)
	if f < 0 {
		return Labels{}, fmt.Errorf("the catalogue has no field %q: it has %v", field, j.Cat.FieldNames())
	}
	labels, classes, several := j.Classes(f)
	if len(classes) < 2 {
		return Labels{}, fmt.Errorf("the field %q makes %d classes: training needs at least 2", field, len(classes))
	}
	out := Labels{Field: j.Cat.Fields[f].Name, ByPath: make(map[string]string, len(labels)),
		Classes: classes, Counts: map[string]int{}, Several: several}
	for i, l := range labels {
		if l == "" || i >= len(paths) {
			continue
		}
		rel, err := filepath.Rel(root, paths[i])
		if err != nil {
			continue
		}
		out.ByPath[filepath.ToSlash(rel)] = l
		out.Counts[l]++
	}
	return out, nil
}

// Summary is one line naming the classes with their counts: "classes from
// date: 1800s 12, 1900s 30 pictures".
func (l Labels) Summary() string {
	parts := make([]string, len(l.Classes))
	for k, c := range l.Classes {
		parts[k] = fmt.Sprintf("%s %d", c, l.Counts[c])
	}
	s := fmt.Sprintf("classes from %s: %s pictures", l.Field, strings.Join(parts, ", "))
	if l.Several > 0 {
		s += fmt.Sprintf("; %d pictures with several values left out", l.Several)
	}
	return s
}
