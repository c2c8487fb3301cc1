package auth

import "testing"

func TestValidPIN(t *testing.T) {
	for pin, ok := range map[string]bool{
		"2580": true, "719346": true, "0042": true, "13579": true,
		"123": false, "1234567": false, "12a4": false, "1111": false, "1234": false, "6543": false, "012345": false, "": false,
	} {
		if err := ValidPIN(pin); (err == nil) != ok {
			t.Errorf("%q: got %v, want ok %v", pin, err, ok)
		}
	}
}
