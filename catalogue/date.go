package catalogue

import (
	"fmt"
	"strconv"
	"strings"
)

// Date is a year or a range of years read from a catalogue's cell. From
// and To are inclusive years of the common era; Approx marks "c." and
// "circa".
type Date struct {
	From, To int
	Approx   bool
}

// Mid returns the middle of the range, as a fractional year: what a map's
// continuous colour scale uses.
func (d Date) Mid() float64 { return float64(d.From+d.To) / 2 }

// Century returns the century a date is grouped under, by its middle year:
// 16 for 1501 to 1600 (the 16th century starts in 1501), so that
// "16th century" and "1503" fall together.
func (d Date) Century() int {
	mid := (d.From + d.To) / 2
	return (mid-1)/100 + 1
}

// CenturyLabel names a century in words: "16th century".
func CenturyLabel(c int) string {
	suffix := "th"
	if c%100 < 11 || c%100 > 13 {
		switch c % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return fmt.Sprintf("%d%s century", c, suffix)
}

// dashes turns the ways of writing a range into "-"; built once, since a
// Replacer's first use builds its tables.
var dashes = strings.NewReplacer("–", "-", "—", "-", " to ", "-")

// minYear and maxYear bound what reads as a year, so that inventory numbers
// such as "12345" or "7" stay text.
const (
	minYear = 100
	maxYear = 2100
)

// ParseDate reads the dates catalogues write: "1503", "c. 1650",
// "ca. 1650", "circa 1650", "1650-1660" (also with an en dash, "to" or a
// short end, "1650-60"), "1650s", "16th century", "16th c.", "early",
// "mid" or "late 16th century", "first half" or "second half of the 16th
// century". ok is false for anything else.
func ParseDate(s string) (d Date, ok bool) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = dashes.Replace(t)
	for _, p := range []string{"circa ", "circa", "ca. ", "ca.", "ca ", "c. ", "c.", "c ", "about ", "around "} {
		if strings.HasPrefix(t, p) {
			t = strings.TrimSpace(t[len(p):])
			d.Approx = true
			break
		}
	}
	if t == "" {
		return Date{}, false
	}
	if y, ok := year(t); ok {
		d.From, d.To = y, y
		return d, true
	}
	// "1650s"
	if strings.HasSuffix(t, "0s") {
		if y, ok := year(t[:len(t)-1]); ok {
			d.From, d.To = y, y+9
			return d, true
		}
	}
	// "1650-1660", "1650-60", "1650 - 1660"
	if i := strings.IndexByte(t, '-'); i > 0 {
		a, b := strings.TrimSpace(t[:i]), strings.TrimSpace(t[i+1:])
		for _, p := range []string{"c. ", "c.", "ca. ", "circa "} {
			b = strings.TrimPrefix(b, p)
		}
		y0, ok0 := year(a)
		if ok0 {
			y1, ok1 := year(b)
			if !ok1 && len(b) > 0 && len(b) < len(a) && allDigits(b) {
				// "1650-60": the end's last digits.
				y1, ok1 = year(a[:len(a)-len(b)] + b)
			}
			if ok1 && y1 >= y0 {
				d.From, d.To = y0, y1
				return d, true
			}
			return Date{}, false
		}
	}
	return century(t, d)
}

// century reads "16th century" and its parts.
func century(t string, d Date) (Date, bool) {
	part := ""
	for _, p := range []string{"early ", "mid-", "mid ", "late ", "first half of the ", "second half of the ", "first half of ", "second half of "} {
		if strings.HasPrefix(t, p) {
			part = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(p, " of the "), " of "))
			part = strings.TrimSuffix(part, "-")
			t = strings.TrimSpace(t[len(p):])
			break
		}
	}
	var rest string
	switch {
	case strings.HasSuffix(t, " century"):
		rest = strings.TrimSuffix(t, " century")
	case strings.HasSuffix(t, " c."):
		rest = strings.TrimSuffix(t, " c.")
	case strings.HasSuffix(t, " c"):
		rest = strings.TrimSuffix(t, " c")
	default:
		return Date{}, false
	}
	rest = strings.TrimSpace(rest)
	if len(rest) < 3 {
		return Date{}, false
	}
	num, suf := rest[:len(rest)-2], rest[len(rest)-2:]
	switch suf {
	case "st", "nd", "rd", "th":
	default:
		return Date{}, false
	}
	c, err := strconv.Atoi(num)
	if err != nil || c < 1 || c > 21 {
		return Date{}, false
	}
	from := (c-1)*100 + 1
	switch part {
	case "":
		d.From, d.To = from, from+99
	case "early":
		d.From, d.To = from, from+32
	case "mid":
		d.From, d.To = from+33, from+65
	case "late":
		d.From, d.To = from+66, from+99
	case "first half":
		d.From, d.To = from, from+49
	case "second half":
		d.From, d.To = from+50, from+99
	}
	return d, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// year reads a 3- or 4-digit year in [minYear, maxYear].
func year(s string) (int, bool) {
	if len(s) < 3 || len(s) > 4 || !allDigits(s) {
		return 0, false
	}
	y, _ := strconv.Atoi(s)
	return y, y >= minYear && y <= maxYear
}
