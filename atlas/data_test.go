package atlas

import (
	"context"
	"os"
	"testing"

	"github.com/artlens/artlens/collection"
	"github.com/artlens/artlens/dataset"
	"github.com/artlens/artlens/weights"
)

// validationSet is the data set's test split, relative to this package.
const validationSet = "../../shared/data/art-images/validation_set"

// TestValidationSetNeighbours maps the data set's test split with the
// shipped model: among each picture's 10 nearest neighbours on the map at
// least 85 % must share its predicted class (the figure), for
// both layouts.
func TestValidationSetNeighbours(t *testing.T) {
	if _, err := os.Stat(validationSet); err != nil {
		t.Skip("the data set is not here:", err)
	}
	m, err := weights.Model()
	if err != nil {
		t.Fatal(err)
	}
	files, _, err := collection.Scan([]string{validationSet})
	if err != nil {
		t.Fatal(err)
	}
	var items []*collection.Item
	_, err = collection.Analyse(context.Background(), m, files, collection.Options{ClassMap: dataset.DefaultClassMap}, func(r collection.Result) {
		if r.Err == nil {
			items = append(items, r.Item)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) < 800 {
		t.Fatalf("%d pictures analysed, want the split's 846", len(items))
	}
	for _, method := range []Method{UMAP, TSNE} {
		mp, err := Build(context.Background(), items, m.Meta.Classes, Options{Method: method}, nil)
		if err != nil {
			t.Fatal(err)
		}
		a := neighbourAgreement(mp.Points, mp.Classes, 10)
		t.Logf("%s: %d distinct pictures of %d, 10 nearest on the map share the predicted class %.2f %% of the time", method, len(mp.Points), len(items), 100*a)
		if a < 0.85 {
			t.Errorf("%s: 10 nearest neighbours on the map share the predicted class %.1f %% of the time, want at least 85 %%", method, 100*a)
		}
	}
}
