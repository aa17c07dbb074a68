package selection

import "testing"

func TestLimit(t *testing.T) {
	for _, tc := range []struct {
		raw        string
		want       int
		param, msg string
	}{
		{"", 10, "", ""},
		{" 7 ", 7, "", ""},
		{"100", 100, "", ""},
		{"101", 100, "", ""},
		{"99999999999999999999999", 100, "", ""},
		{"0", 0, "limit", "at least 1"},
		{"-99999999999999999999999", 0, "limit", "whole number"},
		{"ten", 0, "limit", `not "ten"`},
	} {
		n, err := Limit(tc.raw, 10, 100)
		wantInvalid(t, tc.raw, err, tc.param, tc.msg)
		if err == nil && n != tc.want {
			t.Errorf("Limit(%q) = %d, want %d", tc.raw, n, tc.want)
		}
	}
}
