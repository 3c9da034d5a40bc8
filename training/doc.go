// Package training trains the engine's network on a prepared data set and
// evaluates it: Adam with the study's settings, mini-batches, dropout,
// optional flips and small shifts, an optional cosine learning-rate
// schedule, the best epoch chosen on the validation split, a checkpoint
// after every epoch from which an interrupted run resumes exactly, and a
// progress line with images per second and time left.
package training
