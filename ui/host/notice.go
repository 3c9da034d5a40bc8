package host

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// NoticeKind is the tone of a notice.
type NoticeKind int

const (
	NoticeInfo NoticeKind = iota
	NoticeWarning
	NoticeError
)

// NoticeBar is the inline banner at the top of the window that reports what
// went wrong (a file that is not an image, skipped files of a folder)
// without covering what is already shown. It stays until closed or replaced.
type NoticeBar struct {
	widget.BaseWidget
	kind    NoticeKind
	text    string
	details string // the full story, behind the Details… button
	label   *widget.Label
	icon    *widget.Icon
	bg      *canvas.Rectangle
	more    *widget.Button
	close   *widget.Button
}

// NewNoticeBar returns a hidden notice bar; its Details… button calls
// showDetails with the details.
func NewNoticeBar(showDetails func(text string)) *NoticeBar {
	n := &NoticeBar{label: widget.NewLabel(""), icon: widget.NewIcon(theme.InfoIcon()),
		bg: canvas.NewRectangle(color.Transparent)}
	n.label.Wrapping = fyne.TextWrapWord
	n.bg.CornerRadius = 4
	n.more = widget.NewButton("Details…", func() { showDetails(n.details) })
	n.more.Hide()
	n.close = widget.NewButtonWithIcon("", theme.CancelIcon(), n.Dismiss)
	n.close.Importance = widget.LowImportance
	n.ExtendBaseWidget(n)
	n.Hide()
	return n
}

// Post replaces the notice with text.
func (n *NoticeBar) Post(kind NoticeKind, text string) {
	n.PostDetails(kind, text, "")
}

// PostDetails replaces the notice with a short text, and details that a
// button shows in full ("" for none).
func (n *NoticeBar) PostDetails(kind NoticeKind, text, details string) {
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

// Text is the notice showing ("" when none).
func (n *NoticeBar) Text() string { return n.text }

// Kind is the tone of the notice showing.
func (n *NoticeBar) Kind() NoticeKind { return n.kind }

// Dismiss hides the notice.
func (n *NoticeBar) Dismiss() {
	n.text = ""
	n.Hide()
}

func (n *NoticeBar) CreateRenderer() fyne.WidgetRenderer {
	text := container.New(&noticeTextLayout{label: n.label}, container.NewVScroll(n.label))
	content := container.NewBorder(nil, nil, container.NewCenter(n.icon), container.NewCenter(container.NewHBox(n.more, n.close)), text)
	r := &noticeRenderer{n: n, content: content}
	r.Refresh()
	return r
}

type noticeRenderer struct {
	n       *NoticeBar
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
	case NoticeWarning:
		name, icon = theme.ColorNameWarning, theme.WarningIcon()
	case NoticeError:
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

// Details is the full story behind the Details… button ("" for none).
func (n *NoticeBar) Details() string { return n.details }

// DetailsButton is the Details… button, shown when there are details.
func (n *NoticeBar) DetailsButton() *widget.Button { return n.more }

// noticeMaxLines is the most lines of text the notice bar shows; a longer
// notice scrolls (its full story is behind Details…), so that a list of
// skipped files cannot push the window past 1280 x 800 (the Collection
// view with a collection open needs 653 px; three lines of notice took
// the window to 820).
const noticeMaxLines = 2

// noticeTextLayout lays out the notice's text, in a vertical scroll, as
// tall as the text up to noticeMaxLines lines.
type noticeTextLayout struct{ label *widget.Label }

func (l *noticeTextLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	objects[0].Resize(size)
}

func (l *noticeTextLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	// A label's lines follow each other at the text's height, below its
	// inner padding; the padding under the last line scrolls with the text
	// (one more padding, or the theme's line spacing, showed a third line's
	// top).
	line := fyne.MeasureText("Ag", theme.TextSize(), l.label.TextStyle).Height
	most := noticeMaxLines*line + theme.InnerPadding() + 1
	return fyne.NewSize(objects[0].MinSize().Width, min(l.label.MinSize().Height, most))
}
