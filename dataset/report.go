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
