package nl

import (
	"errors"
	"testing"
)

func TestValidateKvK(t *testing.T) {
	for _, s := range []string{"40536533", "69599084", "01234567", "12345678"} {
		if err := ValidateKvK(s); err != nil {
			t.Errorf("ValidateKvK(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"", "1234567", "123456789", "4053653A", " 40536533", "4053 6533", "00000000", "４０５３６５３３"} {
		if err := ValidateKvK(s); !errors.Is(err, ErrKvK) {
			t.Errorf("ValidateKvK(%q) = %v, want ErrKvK", s, err)
		}
	}
}
