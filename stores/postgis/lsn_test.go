package postgis

import "testing"

func TestParseLSN(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0/0", 0, true},
		{"0/16B3748", 0x16B3748, true},
		{"16/B374D848", 0x16<<32 | 0xB374D848, true},
		{"FFFFFFFF/FFFFFFFF", ^uint64(0), true},
		{"", 0, false},
		{"16B374D848", 0, false},
		{"1/2/3", 0, false},
		{"x/1", 0, false},
		{"100000000/0", 0, false},
	} {
		got, ok := parseLSN(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseLSN(%q) = %#x, %v; want %#x, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	// A replica's position compares as the WAL's order.
	a, _ := parseLSN("0/FFFFFFFF")
	b, _ := parseLSN("1/0")
	if a >= b {
		t.Error("0/FFFFFFFF is not before 1/0")
	}
}
