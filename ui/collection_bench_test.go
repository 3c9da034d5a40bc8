package ui

import (
	"fmt"
	"testing"

	"github.com/artlens/artlens/collection"
)

// BenchmarkCollectionRefresh measures what the UI goroutine does with
// 10,000 open pictures each time a batch arrives or a filter changes:
// filter and sort the whole table.
func BenchmarkCollectionRefresh(b *testing.B) {
	items := make([]*collection.Item, 10000)
	for i := range items {
		p := float32(i%97) / 97
		items[i] = &collection.Item{Path: fmt.Sprintf("/art/%s/picture %05d.jpg", classes4[i%4], (i*7919)%10000),
			Folder: classes4[i%4], Truth: i % 4, Class: (i / 3) % 4, Second: (i/3 + 1) % 4,
			Record: &collection.Record{Probabilities: []float32{p, 1 - p, 0, 0}}}
	}
	shown := make([]*collection.Item, 0, len(items))
	for _, col := range []int{colName, colProbability, colRight} {
		b.Run(columnTitles[col], func(b *testing.B) {
			for b.Loop() {
				shown = shown[:0]
				for _, it := range items {
					if noFilter.keep(it) {
						shown = append(shown, it)
					}
				}
				sortItems(shown, col, false, classes4)
			}
		})
	}
}
