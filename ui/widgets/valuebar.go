package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// NewValueBar is a bar of value in [0, 1] with text (the value in words,
// "47.0%") written beside it, not on it: Fyne's ProgressBar writes its
// text over both the bar and its paler track, and no one colour reads at
// 4.5:1 on both in the dark theme (see ui's TestTextContrast). The text's
// box is as wide as widest ("100.0%", say), so that bars side by side
// share one scale.
func NewValueBar(value float64, text, widest string) fyne.CanvasObject {
	bar := widget.NewProgressBar()
	bar.Value = value
	bar.TextFormatter = func() string { return "" }
	label := widget.NewLabel(text)
	label.Alignment = fyne.TextAlignTrailing
	w := fyne.MeasureText(widest, theme.TextSize(), label.TextStyle).Width + 2*theme.InnerPadding()
	return container.NewBorder(nil, nil, nil, NewSizedBoxW(label, w), bar)
}
