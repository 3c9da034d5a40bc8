package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// noticeKind is the tone of a notice.
type noticeKind int

const (
	noticeInfo noticeKind = iota
	noticeWarning
	noticeError
)

// noticeBar is the inline banner at the top of the window that reports what
// went wrong (a file that is not an image, skipped files of a folder)
// without covering what is already shown. It stays until closed or replaced.
type noticeBar struct {
	widget.BaseWidget
	kind    noticeKind
	text    string
	details string // the full story, behind the Details… button
	label   *widget.Label
	icon    *widget.Icon
	bg      *canvas.Rectangle
	more    *widget.Button
	close   *widget.Button
}

// newNoticeBar returns a hidden notice bar; its Details… button calls
// showDetails with the details.
func newNoticeBar(showDetails func(text string)) *noticeBar {
	n := &noticeBar{label: widget.NewLabel(""), icon: widget.NewIcon(theme.InfoIcon()),
		bg: canvas.NewRectangle(color.Transparent)}
	n.label.Wrapping = fyne.TextWrapWord
	n.bg.CornerRadius = 4
	n.more = widget.NewButton("Details…", func() { showDetails(n.details) })
	n.more.Hide()
	n.close = widget.NewButtonWithIcon("", theme.CancelIcon(), n.dismiss)
	n.close.Importance = widget.LowImportance
	n.ExtendBaseWidget(n)
	n.Hide()
	return n
}

// show replaces the notice with text.
func (n *noticeBar) show(kind noticeKind, text string) {
	n.showDetails(kind, text, "")
}

// showDetails replaces the notice with a short text, and details that a
// button shows in full ("" for none).
func (n *noticeBar) showDetails(kind noticeKind, text, details string) {
	n.kind, n.text, n.details = kind, text, details
	n.label.SetText(text)
	if details == "" {
		n.more.Hide()
	} else {
		n.more.Show()
	}
	n.Refresh()
	n.Show()
}

func (n *noticeBar) dismiss() {
	n.text = ""
	n.Hide()
}

func (n *noticeBar) CreateRenderer() fyne.WidgetRenderer {
	content := container.NewBorder(nil, nil, container.NewCenter(n.icon), container.NewCenter(container.NewHBox(n.more, n.close)), n.label)
	r := &noticeRenderer{n: n, content: content}
	r.Refresh()
	return r
}

type noticeRenderer struct {
	n       *noticeBar
	content *fyne.Container
}

func (r *noticeRenderer) Layout(size fyne.Size) {
	r.n.bg.Resize(size)
	p := theme.Padding()
	r.content.Move(fyne.NewPos(p, 0))
	r.content.Resize(fyne.NewSize(size.Width-2*p, size.Height))
}

func (r *noticeRenderer) MinSize() fyne.Size {
	return r.content.MinSize().Add(fyne.NewSize(2*theme.Padding(), 0))
}

func (r *noticeRenderer) Refresh() {
	name, icon := theme.ColorNamePrimary, theme.InfoIcon()
	switch r.n.kind {
	case noticeWarning:
		name, icon = theme.ColorNameWarning, theme.WarningIcon()
	case noticeError:
		name, icon = theme.ColorNameError, theme.ErrorIcon()
	}
	c := color.NRGBAModel.Convert(theme.Color(name)).(color.NRGBA)
	c.A = 0x40
	r.n.bg.FillColor = c
	r.n.bg.StrokeColor = theme.Color(name)
	r.n.bg.StrokeWidth = 1
	r.n.icon.SetResource(icon)
	r.n.bg.Refresh()
	r.content.Refresh()
}

func (r *noticeRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.n.bg, r.content}
}

func (r *noticeRenderer) Destroy() {}

// showText shows a long text in a dialog that scrolls.
func (s *shell) showText(title, text string) {
	label := widget.NewLabel(text)
	label.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(title, "Close", container.NewVScroll(label), s.win)
	c := s.win.Canvas().Size()
	d.Resize(fyne.NewSize(min(640*s.zoom, c.Width*0.9), min(480*s.zoom, c.Height*0.9)))
	d.Show()
}

// showError shows a modal dialog with a title and a message that wraps.
func (s *shell) showError(title, message string) {
	label := widget.NewLabel(message)
	label.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(title, "OK", label, s.win)
	d.Resize(fyne.NewSize(min(560*s.zoom, s.win.Canvas().Size().Width*0.9), 0))
	d.Show()
}
