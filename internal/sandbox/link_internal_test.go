package sandbox

import (
	"encoding/json"
	"testing"
)

func TestFormatBalance(t *testing.T) {
	for in, want := range map[json.Number]string{
		"0": "0.00", "5": "5.00", "99.99": "99.99", "1520.5": "1,520.50", "-1234567.891": "-1,234,567.89",
		"100000": "100,000.00", "-0.5": "-0.50", "not a number": "not a number",
	} {
		if got := formatBalance(in); got != want {
			t.Errorf("formatBalance(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatSortCode(t *testing.T) {
	for in, want := range map[string]string{"123456": "12-34-56", "12-34-56": "12-34-56", "": ""} {
		if got := formatSortCode(in); got != want {
			t.Errorf("formatSortCode(%q) = %q, want %q", in, got, want)
		}
	}
}
