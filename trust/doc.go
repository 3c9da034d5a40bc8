// Package trust says how far to believe an explanation map, for any
// method of package explain's table (explain.LookupMethod):
//
//   - Deletion and insertion (Petsiuk et al., 2018, the RISE paper, as its
//     reference code eclique/RISE evaluation.py computes them): the map is
//     enlarged bilinearly to the input, the pixels are taken in the map's
//     order (largest first), 1/64 of them a step; deletion sets them to 0
//     in the network's input, insertion starts from a blurred copy of the
//     input (Gaussian, 11x11, sigma 5) and puts the original pixels back.
//     The class's probability at each step is the curve (65 points), and
//     its area (trapezoids over steps scaled to [0, 1]) the figure: a
//     faithful map has a low deletion area and a high insertion area.
//   - The sanity check (Adebayo et al., 2018, cascading randomisation): a
//     copy of the model has its weights randomised layer by layer from the
//     top, the map is made again after each step, and its Spearman rank
//     correlation with the original is the similarity. A map that stays
//     the same when the network is scrambled shows the picture more than
//     the network's reasons.
//   - Summarise runs both over many pictures and methods, with 95 %
//     t intervals of the mean areas, so that a user sees which method is
//     most faithful for a model on their pictures.
//
// Every figure is computed from the model's own outputs; the user's model
// is never changed (the sanity check works on a Share of it). The package
// imports no GUI code.
package trust
