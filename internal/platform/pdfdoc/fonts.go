package pdfdoc

import (
	_ "embed" // the fonts below
)

// DejaVu Sans (free to redistribute; see fonts/LICENSE) covers € and every
// Latin letter a Dutch or foreign name may carry; every document embeds it,
// so one copy serves them all. The faces are cut to Latin, Greek, Cyrillic
// and the signs documents print: the PDF library parses the whole face for
// every document, and the full faces (with scripts it cannot set anyway,
// such as Arabic) made that a third of a document's time. Cut with
// fontTools (Debian's python3-fonttools):
//
//	python3 -m fontTools.subset DejaVuSans.ttf --output-file=fonts/DejaVuSans.ttf --notdef-outline \
//	  --name-IDs='*' --name-languages='*' --glyph-names --legacy-kern --unicodes=U+0000-036F,U+0370-03FF,\
//	  U+0400-04FF,U+1E00-1EFF,U+2000-206F,U+20A0-20CF,U+2100-218F,U+2190-21FF,U+2200-22FF,U+2500-25FF,\
//	  U+2713-2714,U+FB00-FB06,U+FFFD
//
// (the same for DejaVuSans-Bold.ttf); TestFontsCoverTheirScripts checks
// what they must keep.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

// fonts returns the embedded DejaVu Sans regular and bold faces.
func fonts() (regular, bold []byte) { return fontRegular, fontBold }
