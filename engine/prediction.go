package engine

// Prediction is the result of one forward pass of one image.
type Prediction struct {
	// Probabilities holds one value per class, in the order of Metadata.Classes.
	Probabilities []float32
	// Logits are the network's outputs before the softmax (for a model
	// whose last layer is not a softmax, its raw outputs).
	Logits []float32
	// Features are the values that enter the last dense layer (for the
	// study, the 256 outputs of dense2 after its ReLU): what the network
	// makes of the image just before it decides, so two images with close
	// features look alike to it. nil for a model without a dense layer.
	Features []float32
	// Class is the index of the most probable class.
	Class int
	// Activations holds the conv layers' outputs, after the ReLU when one
	// follows: index 0 is conv layer 1 (for the study, index 4 is conv
	// layer 5).
	Activations []Activation
}

// Activation is the output of one place (a conv layer, or a graph's block)
// for one image.
type Activation struct {
	// Layer is the place's number, 1..len(Model.Places()): the conv
	// layers' numbers first, 1..len(Model.ConvLayers()).
	Layer int
	// Channels is the number of filters; Height and Width the size of each map.
	Channels, Height, Width int
	// Data holds the maps in CHW order: len(Data) == Channels*Height*Width.
	Data []float32
}

// Map returns the feature map of filter ch (0 <= ch < Channels) as a
// Height*Width row-major slice sharing Data's memory.
func (a Activation) Map(ch int) []float32 {
	n := a.Height * a.Width
	return a.Data[ch*n : (ch+1)*n : (ch+1)*n]
}
