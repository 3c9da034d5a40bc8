// Package calibration says how far to believe a classifier's top
// probability and makes it more believable.
//
// Reliability splits pictures into 15 equal-width bins of the top
// probability, (0, 1/15], (1/15, 2/15], ..., (14/15, 1], and counts in each
// how many pictures fell there, their mean top probability (confidence)
// and the share of them whose top class was right (accuracy): the data of
// a reliability diagram. The expected calibration error (ECE, Guo et al.
// 2017, "On calibration of modern neural networks") is the sum over bins of
// count/N * |accuracy - confidence|: 0 for a model whose "90 %" is right 9
// times in 10.
//
// Temperature scaling divides the logits by one number T > 0 before the
// softmax: T > 1 softens over-confident probabilities, T < 1 sharpens
// them, and the top class never changes. FitTemperature finds the T that
// minimises the mean negative log-likelihood of the true classes on held-out
// pictures (a golden-section search on log T; the likelihood is convex in
// 1/T, so the search finds its one minimum). Calibrate fits T on one split
// and measures the reliability of another without and with it; the result
// is kept in a weights file's metadata (engine.Calibration), from which
// Temperature reads T back and Sentence says, for a probability the model
// gives, how often it was right when it was this sure.
//
// Sigmoid (multi-label) models give independent scores, not a softmax:
// temperature scaling as done here does not apply to them, and
// CheckSoftmax says so.
package calibration
