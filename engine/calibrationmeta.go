package engine

// Calibration is what a weights file keeps of temperature scaling (package
// calibration fits it and reads it): the temperature T by which the logits
// are divided before the softmax, where it was fitted, and the reliability
// of the model's top probability on held-out pictures without and with T,
// so that the window can say how often the network was right when it was
// as sure as it is now.
type Calibration struct {
	// Temperature is T > 0: calibrated probabilities are softmax(logits/T).
	Temperature float64 `json:"temperature"`
	// FitOn says in words which pictures T was fitted on; FitCount counts them.
	FitOn    string `json:"fit_on"`
	FitCount int    `json:"fit_count"`
	// Before and After are the reliability of the top probability on the
	// pictures Reliability.Set names, without T and with it.
	Before Reliability `json:"before"`
	After  Reliability `json:"after"`
}

// Reliability is a reliability diagram's data: the pictures split into
// equal-width bins of the top probability, and the expected calibration
// error over them.
type Reliability struct {
	// Set says in words which pictures were counted ("test split").
	Set string `json:"set"`
	// Count is the number of pictures, the sum of the bins' counts.
	Count int `json:"count"`
	// ECE is the sum over bins of count/Count * |accuracy - confidence|.
	ECE  float64          `json:"ece"`
	Bins []ReliabilityBin `json:"bins"`
}

// ReliabilityBin is one bin of the top probability, (Lower, Upper]: how
// many pictures fell in it, their mean top probability and the share of
// them whose top class was right. Confidence and Accuracy are 0 for an
// empty bin.
type ReliabilityBin struct {
	Count      int     `json:"count"`
	Confidence float64 `json:"confidence"`
	Accuracy   float64 `json:"accuracy"`
	Lower      float64 `json:"lower"`
	Upper      float64 `json:"upper"`
}
