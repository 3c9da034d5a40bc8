// Package attention is the Attention view: what a transformer's attention
// looks at in the picture the user has open. For a block (an attention
// layer) and a head, or the heads' mean, the class token's attention is a
// map on the patch grid over the picture; a click on a patch shows where
// that patch looks instead (the patch marked); "All heads" shows the
// block's heads side by side on one scale; attention rollout and
// Grad-CAM at the default place stand beside it. A click can instead open
// the step-through of one attention weight (query and key rows, their dot
// product, the scaling, the softmax over the row: engine.AttentionStep) or
// of the block's LayerNorm (ln_1) at the clicked token
// (engine.LayerNormStep), ending with the number the engine computed.
//
// A model without attention layers keeps the tab, which says so in one
// line: the tabs and their keyboard shortcuts stay the same whichever
// model is open.
//
// New builds it on the window's host (package ui/host); it registers
// itself with Serve("attention", …) so that other views and dropped files
// can send it a picture.
package attention
