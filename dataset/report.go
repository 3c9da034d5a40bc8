package dataset

import (
	"fmt"
	"slices"
	"strings"
)

// String returns r as a readable multi-line report: what was found, what
// was dropped and why, and the counts per class and split.
func (r Report) String() string {
	var b strings.Builder
	kept := r.Images - r.Duplicates
	fmt.Fprintf(&b, "%d files: %d images, %d skipped\n", r.Files, r.Images, len(r.Skipped))
	fmt.Fprintf(&b, "%d distinct images kept; %d byte-identical copies dropped\n", kept, r.Duplicates)
	fmt.Fprintf(&b, "%d training images dropped because they are in the test split\n", r.Leaked)
	if r.Conflicts > 0 {
		fmt.Fprintf(&b, "%d images are filed under more than one class (the kept copy's class is used)\n", r.Conflicts)
	}
	if len(r.Skipped) > 0 {
		reasons := make(map[string]int)
		for _, s := range r.Skipped {
			reasons[s.Reason]++
		}
		keys := make([]string, 0, len(reasons))
		for k := range reasons {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b string) int {
			if reasons[a] != reasons[b] {
				return reasons[b] - reasons[a]
			}
			return strings.Compare(a, b)
		})
		b.WriteString("skipped:\n")
		for _, k := range keys {
			fmt.Fprintf(&b, "  %5d  %s\n", reasons[k], k)
		}
	}
	classes := make([]string, 0, len(r.Counts))
	width := len("total")
	for c := range r.Counts {
		classes = append(classes, c)
		width = max(width, len(c))
	}
	slices.Sort(classes)
	fmt.Fprintf(&b, "%-*s  %6s  %6s  %6s\n", width, "class", "train", "val", "test")
	var total [3]int
	for _, c := range classes {
		n := r.Counts[c]
		fmt.Fprintf(&b, "%-*s  %6d  %6d  %6d\n", width, c, n[0], n[1], n[2])
		for k := range total {
			total[k] += n[k]
		}
	}
	fmt.Fprintf(&b, "%-*s  %6d  %6d  %6d\n", width, "total", total[0], total[1], total[2])
	return b.String()
}

// Thresholds of Report.Warnings.
const (
	TinyClass  = 20 // a class with fewer distinct pictures is tiny
	Unbalanced = 3  // the largest class this many times the smallest is unbalanced
)

// Warnings returns what a teacher should know before training on the data
// r describes, one sentence each: classes that are tiny or much smaller
// than others, pictures filed under two classes, and files that are not
// pictures. None: nil.
func (r Report) Warnings() []string {
	var out []string
	classes := make([]string, 0, len(r.Counts))
	for c := range r.Counts {
		classes = append(classes, c)
	}
	slices.Sort(classes)
	lo, hi := -1, 0
	var loName, hiName string
	for _, c := range classes {
		n := r.Counts[c]
		total := n[0] + n[1] + n[2]
		if total < TinyClass {
			n := fmt.Sprintf("%d pictures", total)
			if total == 1 {
				n = "1 picture"
			}
			out = append(out, fmt.Sprintf("Class %s has %s: too few to learn from (aim for %d or more).", c, n, TinyClass*2))
		}
		if lo < 0 || total < lo {
			lo, loName = total, c
		}
		if total > hi {
			hi, hiName = total, c
		}
	}
	if lo >= 0 && hi >= Unbalanced*max(lo, 1) && len(classes) > 1 {
		out = append(out, fmt.Sprintf("The classes are unbalanced: %s has %d pictures, %s %d; the network will lean towards the larger.", hiName, hi, loName, lo))
	}
	if r.Conflicts > 0 {
		if r.Conflicts == 1 {
			out = append(out, "1 picture is a copy filed under more than one class (it is kept once, in the first class by name).")
		} else {
			out = append(out, fmt.Sprintf("%d pictures are copies filed under more than one class (each is kept once, in the first class by name).", r.Conflicts))
		}
	}
	if len(r.Skipped) > 0 {
		names := make([]string, 0, 3)
		for _, s := range r.Skipped[:min(3, len(r.Skipped))] {
			names = append(names, s.Path)
		}
		more := ""
		if len(r.Skipped) > 3 {
			more = ", …"
		}
		if len(r.Skipped) == 1 {
			out = append(out, fmt.Sprintf("1 file is not a picture or cannot be read, and is left out (%s).", names[0]))
		} else {
			out = append(out, fmt.Sprintf("%d files are not pictures or cannot be read, and are left out (%s%s).", len(r.Skipped), strings.Join(names, ", "), more))
		}
	}
	return out
}
