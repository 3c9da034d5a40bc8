package explain_test

import (
	"fmt"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
)

// Grad-CAM's arithmetic on two 2x2 maps worked by hand: the first map's
// gradient has mean 1, the second's mean -0.5, so the map is
// ReLU(1*A1 - 0.5*A2), divided by its largest value.
func ExampleCAM() {
	act := engine.Activation{Channels: 2, Height: 2, Width: 2, Data: []float32{
		1, 2, 0, 4, // A1
		2, 0, 2, 0, // A2
	}}
	grad := []float32{
		1, 1, 1, 1, // mean 1
		-0.5, -0.5, -0.5, -0.5, // mean -0.5
	}
	cam, err := explain.CAM(act, grad)
	if err != nil {
		fmt.Println(err)
		return
	}
	// 1*A1 - 0.5*A2 = 0, 2, -1, 4; ReLU and /4 gives 0, 0.5, 0, 1.
	fmt.Println(cam)
	// Output: [0 0.5 0 1]
}
