package widgets

import "testing"

func TestCountNounFormatDurationAndSentence(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{CountNoun(1, "file"), "1 file"},
		{CountNoun(3, "file"), "3 files"},
		{CountNoun(0, "epoch"), "0 epochs"},
		{FormatDuration(45), "45 s"},
		{FormatDuration(720), "12 min"},
		{FormatDuration(7500), "2 h 5 min"},
		{Sentence("the folder is gone."), "The folder is gone."},
		{Sentence("no classes"), "No classes."},
		{Sentence(""), ""},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
