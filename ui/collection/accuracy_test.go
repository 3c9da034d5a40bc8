package collection

import (
	"fmt"
	"testing"
)

func TestNoClassFolders(t *testing.T) {
	many := make([]string, 1000)
	for i := range many {
		many[i] = fmt.Sprintf("class %d", i+1)
	}
	for _, tc := range []struct {
		classes []string
		want    string
	}{
		{[]string{"drawings", "iconography", "painting", "sculpture"},
			"No folder of this collection is named after a class (drawings, iconography, painting, sculpture; engraving counts as drawings), so there is nothing to compare the answers with."},
		{[]string{"cat", "dog"},
			"No folder of this collection is named after a class (cat, dog), so there is nothing to compare the answers with."},
		{many,
			"No folder of this collection is named after a class (class 1, class 2, class 3, class 4, class 5, class 6, class 7, class 8 and 992 more), so there is nothing to compare the answers with."},
	} {
		if got := noClassFolders(tc.classes); got != tc.want {
			t.Errorf("noClassFolders(%d classes) = %q, want %q", len(tc.classes), got, tc.want)
		}
	}
}
