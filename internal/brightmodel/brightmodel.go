// Package brightmodel makes a network whose answers are known in advance,
// for tests of the packages that analyse pictures with one (collection,
// ui): a two-class model of the study's architecture (dark, bright) with
// its weights set by hand. Filter 1 of every conv layer passes the red
// channel on (a centre tap), and the output layer calls a picture "bright"
// when its mean red is above 0.5 (logit 160*red - 80). On a uniform
// picture every conv layer's filter 1 equals the red value everywhere, and
// red values near 0.5 give answers of every certainty.
package brightmodel

import (
	"fmt"

	"github.com/artlens/artlens/engine"
)

// New returns the model.
func New() (*engine.Model, error) {
	m, err := engine.NewModel([]string{"dark", "bright"}, 1)
	if err != nil {
		return nil, err
	}
	ps := map[string][]float32{}
	for _, p := range m.Params() {
		clear(p.Data)
		ps[p.Name] = p.Data
	}
	for i := range engine.ConvFilters {
		// Filter 1's first kernel is (in 1, 3x3): index 4 is the centre
		// of channel 1 (red, then filter 1 of the layer before).
		ps[fmt.Sprintf("conv%d.weight", i+1)][4] = 1
	}
	d1 := ps["dense1.weight"] // (2048, 512): flatten is channel-major
	for k := range 16 {
		d1[k*engine.DenseUnits[0]] = 1
	}
	ps["dense2.weight"][0] = 1
	ps["dense3.weight"][0*2+1] = 10
	ps["dense3.bias"][1] = -80
	return m, nil
}
