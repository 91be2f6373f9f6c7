package pdfdoc

import (
	_ "embed" // the fonts below
)

// DejaVu Sans (free to redistribute; see fonts/LICENSE) covers € and every
// Latin letter a Dutch or foreign name may carry; every document embeds it,
// so one copy serves them all.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

// fonts returns the embedded DejaVu Sans regular and bold faces.
func fonts() (regular, bold []byte) { return fontRegular, fontBold }
