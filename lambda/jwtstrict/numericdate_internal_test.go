package jwtstrict

import (
	"encoding/json"
	"math"
	"strconv"
	"testing"
	"time"
)

// TestWholeSecondsAsBefore: for whole numbers, the shortcut gives what
// ParseFloat, the range check and exactDecimal give.
func TestWholeSecondsAsBefore(t *testing.T) {
	t.Parallel()
	slow := func(s string) (time.Time, bool) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || !(f >= 0 && f <= MaxNumericDate) {
			return time.Time{}, false
		}
		if t, ok := exactDecimal(s); ok {
			return t, true
		}
		whole, frac := math.Modf(f)
		return time.Unix(int64(whole), int64(frac*1e9)).UTC(), true
	}
	inputs := []string{"", "0", "00", "1", "007", "1796576434", "253402300799", "253402300800", "999999999999",
		"0253402300799", "1000000000000", "12a", "-1", "1.5", "1e3", " 1", "9223372036854775807"}
	for i := int64(1); i < MaxNumericDate; i = i*3 + 1 {
		inputs = append(inputs, strconv.FormatInt(i, 10))
	}
	for _, s := range inputs {
		want, wantOK := slow(s)
		got, err := NumericDate(json.Number(s))
		if (err == nil) != wantOK || !got.Equal(want) || got.Location() != want.Location() {
			t.Errorf("NumericDate(%q) = %v, %v; before %v, %v", s, got, err, want, wantOK)
		}
	}
}
