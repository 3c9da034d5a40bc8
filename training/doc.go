// Package training trains the engine's network on a prepared data set and
// evaluates it: Adam with the study's settings, mini-batches, dropout,
// optional flips and small shifts, label smoothing and weight decay, SGD
// with momentum for residual networks, an optional cosine learning-rate
// schedule, the best epoch chosen on the validation split, a checkpoint
// after every epoch from which an interrupted run resumes exactly, and a
// progress line with images per second and time left.
//
// The command (artlens train) and the window's Train view run the same
// Train: the view hears each step and epoch through Config.OnBatch and
// Config.OnEpoch (running loss, pace, the validation predictions, a copy of
// each epoch's weights) and stops it through Config.Stop. FolderConfig and
// LoadData prepare a folder for both; SmallArch is a fast network for a
// live lesson, and FineTuneModel with Config.FineTune trains a new last
// layer on a trained model's frozen features. AddExtra adds a
// supplementary folder of pictures to the training split only (issue 30's
// public-domain artworks), and Config.Init and Config.Extra record a run
// that starts from trained weights and what it added.
package training
