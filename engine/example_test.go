package engine_test

import (
	"fmt"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/weights"
)

// The shipped study network asked about a mid-grey picture: its input is
// 64x64x3 values in [0,1] in CHW order (package picture makes them from a
// file), and Predict gives the probabilities of its four classes and every
// place's maps.
func ExampleModel_Predict() {
	m, err := weights.Model()
	if err != nil {
		fmt.Println(err)
		return
	}
	in := m.Input()
	grey := make([]float32, in.Len())
	for i := range grey {
		grey[i] = 0.5
	}
	p, err := m.Predict(grey)
	if err != nil {
		fmt.Println(err)
		return
	}
	best := engine.Argmax(p.Probabilities)
	fmt.Printf("input %dx%dx%d, %d classes, %d places\n", in.Width, in.Height, in.Channels, len(m.Meta.Classes), len(p.Activations))
	fmt.Printf("answer: %s\n", m.Meta.Classes[best])
	a := p.Activations[0]
	fmt.Printf("place 1: %d maps of %dx%d\n", a.Channels, a.Height, a.Width)
	// Output:
	// input 64x64x3, 4 classes, 5 places
	// answer: drawings
	// place 1: 32 maps of 62x62
}
