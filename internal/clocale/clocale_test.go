package clocale

import (
	"os"
	"testing"
)

func TestInitSetsLanguageOnlyForCWithEncoding(t *testing.T) {
	tests := []struct {
		lcAll, lang, language string
		want                  string
	}{
		{"", "C.UTF-8", "", "en"},
		{"", "POSIX.UTF-8", "", "en"},
		{"C.UTF-8", "de_DE.UTF-8", "", "en"},
		{"de_DE.UTF-8", "C.UTF-8", "", ""}, // LC_ALL wins, and it names a language
		{"", "C", "", ""},                  // plain C: go-locale copes
		{"", "fr_FR.UTF-8", "", ""},
		{"", "C.UTF-8", "es", "es"}, // the user's own choice stays
	}
	for _, tc := range tests {
		t.Setenv("LC_ALL", tc.lcAll)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", tc.lang)
		t.Setenv("LANGUAGE", tc.language)
		setLanguage()
		if got := os.Getenv("LANGUAGE"); got != tc.want {
			t.Errorf("LC_ALL=%q LANG=%q LANGUAGE=%q: LANGUAGE becomes %q, want %q", tc.lcAll, tc.lang, tc.language, got, tc.want)
		}
	}
}
