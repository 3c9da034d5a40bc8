package catalogue

import "testing"

func TestParseDate(t *testing.T) {
	for _, c := range []struct {
		in       string
		from, to int
		approx   bool
		century  int
		ok       bool
	}{
		{"1503", 1503, 1503, false, 16, true},
		{" 1600 ", 1600, 1600, false, 16, true},
		{"1601", 1601, 1601, false, 17, true},
		{"c. 1650", 1650, 1650, true, 17, true},
		{"c.1650", 1650, 1650, true, 17, true},
		{"ca. 1650", 1650, 1650, true, 17, true},
		{"circa 1650", 1650, 1650, true, 17, true},
		{"1650-1660", 1650, 1660, false, 17, true},
		{"1650 – 1660", 1650, 1660, false, 17, true},
		{"1650 to 1660", 1650, 1660, false, 17, true},
		{"1650-60", 1650, 1660, false, 17, true},
		{"c. 1590-1610", 1590, 1610, true, 16, true},
		{"1650s", 1650, 1659, false, 17, true},
		{"16th century", 1501, 1600, false, 16, true},
		{"16th Century", 1501, 1600, false, 16, true},
		{"16th c.", 1501, 1600, false, 16, true},
		{"1st century", 1, 100, false, 1, true},
		{"21st century", 2001, 2100, false, 21, true},
		{"early 16th century", 1501, 1533, false, 16, true},
		{"mid-16th century", 1534, 1566, false, 16, true},
		{"mid 16th century", 1534, 1566, false, 16, true},
		{"late 16th century", 1567, 1600, false, 16, true},
		{"first half of the 16th century", 1501, 1550, false, 16, true},
		{"second half of the 17th century", 1651, 1700, false, 17, true},
		{"", 0, 0, false, 0, false},
		{"unknown", 0, 0, false, 0, false},
		{"12345", 0, 0, false, 0, false},
		{"7", 0, 0, false, 0, false},
		{"1660-1650", 0, 0, false, 0, false},
		{"16 century", 0, 0, false, 0, false},
		{"Baroque", 0, 0, false, 0, false},
		{"1650-abc", 0, 0, false, 0, false},
		{"c.", 0, 0, false, 0, false},
	} {
		d, ok := ParseDate(c.in)
		if ok != c.ok {
			t.Errorf("ParseDate(%q) ok = %v, want %v (%+v)", c.in, ok, c.ok, d)
			continue
		}
		if !ok {
			continue
		}
		if d.From != c.from || d.To != c.to || d.Approx != c.approx || d.Century() != c.century {
			t.Errorf("ParseDate(%q) = %+v century %d, want %d-%d approx %v century %d", c.in, d, d.Century(), c.from, c.to, c.approx, c.century)
		}
	}
}

func TestCenturyLabel(t *testing.T) {
	for c, want := range map[int]string{1: "1st century", 2: "2nd century", 3: "3rd century", 11: "11th century", 12: "12th century", 13: "13th century", 16: "16th century", 21: "21st century", 22: "22nd century"} {
		if got := CenturyLabel(c); got != want {
			t.Errorf("CenturyLabel(%d) = %q, want %q", c, got, want)
		}
	}
}
