// Package explain answers "why this answer?" for one picture: which parts
// of it led the network to a class, and whether colour or shape did.
//
//   - GradCAM (Selvaraju et al., 2017) weights a conv layer's activation
//     maps by the spatial means of the gradient of a class's logit with
//     respect to them; CAM is its arithmetic on given activations and
//     gradients, so it can be checked by hand.
//   - Occlusion (Zeiler & Fergus, 2014) slides a patch of the picture's
//     mean colour over the input and records how much the class's
//     probability drops at each position.
//   - HiResCAM, GradCAMPlusPlus, ScoreCAM and EigenCAM (cams.go) as
//     jacobgil/pytorch-grad-cam defines them; IntegratedGradients and
//     SmoothGrad (gradients.go) as Captum's defaults; RISE (rise.go) as
//     Petsiuk et al. and their code. SmoothGrad's noise and RISE's masks
//     come from a counter-based splitmix64 stream (random.go) that the
//     fixture script draws too. Methods lists them all, one definition
//     each; docs/explanations.md has the table and the measured agreement
//     with PyTorch.
//   - Probes run what-if variants of the picture (grayscale, hues rotated,
//     mirrored, blurred, centre crop) beside the original.
//   - DistinctFilters picks the filters whose mean activation differs most
//     between pictures, for side-by-side figures.
//
// The maps come out at their own resolution (a conv layer's, or one value
// per occlusion position); package plots draws them over the picture. The
// package imports no GUI code: the command line, the tests and the desktop
// app share it.
package explain
