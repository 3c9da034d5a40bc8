package explain

import (
	"github.com/artlens/artlens/explain"
)

// explainRequest is r as package explain's methods read it, for class
// (-1: the answer) at place (0: the model's default).
func (r request) explainRequest(class, place int) explain.Request {
	return explain.Request{Input: r.input, Class: class, Place: place, RISE: explain.RISEOptions{Masks: r.rise}}
}
