// Package featviz draws what a filter or a class looks for: the picture
// the network itself would draw for it (activation maximization, Erhan et
// al. 2009; Olah, Mordvintsev and Schubert, "Feature Visualization",
// Distill 2017).
//
// It starts from smooth noise (white noise where that leaves the filter
// dead) and follows the gradient of a filter's
// activation (the mean of its feature map, or its centre cell) or of a
// class's logit with respect to the picture (engine.Model.InputGradient).
// What makes the result legible, scaled from the published 224-pixel
// settings to the model's input (a 64-pixel side for the study):
//   - the picture is the sigmoid of decorrelated colours (Lucid's colour
//     matrix), so it stays in [0,1];
//   - each step the gradient is filtered as a Fourier parametrisation
//     would filter it (each frequency weighed by 1/f, what Adam's steps on
//     Lucid's spectrum weighed by 1/f amount to), so high frequencies,
//     which the gradient favours and eyes cannot read, grow slowly;
//   - each step the picture is shown to the network jittered by a few
//     pixels (4 on 64), scaled by up to ±5 % and turned by up to ±5°, so
//     the result must work wherever it lies, not by accident of a pixel.
//
// A filter's mean is drawn on a canvas larger than the input (128 pixels
// by default, twice the study's input; Options.Size), as Lucid draws a
// channel on a canvas of its own size: the conv layers read a picture of
// any size (engine.Model.ConvPrefix runs them alone), so the filter's map
// covers the whole canvas and the picture holds several instances of its
// pattern (the study's conv 5 sees 30-pixel windows: two across its
// 64-pixel input, four across 128). A
// class's logit needs the dense layers, a map's centre is one instance,
// and a place reached through a global pooling needs the input's size:
// those are drawn at the input's size.
//
// Cache keeps results per model fingerprint, goal and options, so that the
// window computes a filter once. Visualize is cancellable through its
// context and reports its progress.
package featviz
