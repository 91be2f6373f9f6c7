package lease

// Fonts returns the embedded DejaVu Sans regular and bold faces, so other
// capabilities' documents (rent-increase letters) print the same letters
// without a second copy of the font files.
func Fonts() (regular, bold []byte) { return fontRegular, fontBold }
