package pdfdoc

import (
	"encoding/binary"
	"fmt"
	"testing"
)

// The embedded faces are DejaVu Sans cut to the scripts a name or an
// address in a Dutch administration is written in (Latin, with Greek and
// Cyrillic) and the signs documents print: parsing the whole face was a
// third of every document's time. Every letter of those scripts must still
// be in both faces (a missing one prints as nothing).
func TestFontsCoverTheirScripts(t *testing.T) {
	var want []rune
	// Latin (Basic to Extended-B and Extended Additional), Greek, Cyrillic.
	for _, r := range [][2]rune{{0x20, 0x7e}, {0xa0, 0x24f}, {0x386, 0x386}, {0x388, 0x38a}, {0x38c, 0x38c}, {0x38e, 0x3a1},
		{0x3a3, 0x3ce}, {0x400, 0x45f}, {0x1e00, 0x1ef9}} {
		for c := r[0]; c <= r[1]; c++ {
			want = append(want, c)
		}
	}
	want = append(want, []rune("€²³×·–—‘’‚“”„…•→←≤≥½¼¾№™✓")...)
	for name, face := range map[string][]byte{"regular": fontRegular, "bold": fontBold} {
		have, err := cmapRunes(face)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var missing []string
		for _, r := range want {
			if !have[r] {
				missing = append(missing, fmt.Sprintf("%U %c", r, r))
			}
		}
		if len(missing) > 0 {
			t.Errorf("%s face lacks %d characters: %v", name, len(missing), missing)
		}
	}
}

// cmapRunes reads the characters a TrueType face maps to a glyph other than
// .notdef, from its Unicode BMP cmap (platform 3, encoding 1, format 4).
func cmapRunes(ttf []byte) (map[rune]bool, error) {
	be := binary.BigEndian
	if len(ttf) < 12 {
		return nil, fmt.Errorf("not a font")
	}
	var cmap []byte
	for i, n := 0, int(be.Uint16(ttf[4:])); i < n; i++ {
		rec := ttf[12+16*i:]
		if string(rec[:4]) == "cmap" {
			off, length := be.Uint32(rec[8:]), be.Uint32(rec[12:])
			cmap = ttf[off : off+length]
		}
	}
	if cmap == nil {
		return nil, fmt.Errorf("no cmap table")
	}
	for i, n := 0, int(be.Uint16(cmap[2:])); i < n; i++ {
		rec := cmap[4+8*i:]
		if be.Uint16(rec) != 3 || be.Uint16(rec[2:]) != 1 {
			continue
		}
		sub := cmap[be.Uint32(rec[4:]):]
		if be.Uint16(sub) != 4 {
			continue
		}
		segs := int(be.Uint16(sub[6:])) / 2
		ends, starts := sub[14:], sub[16+2*segs:]
		deltas, ranges := sub[16+4*segs:], sub[16+6*segs:]
		out := map[rune]bool{}
		for s := range segs {
			end, start := be.Uint16(ends[2*s:]), be.Uint16(starts[2*s:])
			delta, ro := be.Uint16(deltas[2*s:]), be.Uint16(ranges[2*s:])
			for c := uint32(start); c <= uint32(end) && c != 0xffff; c++ {
				g := uint16(c) + delta
				if ro != 0 {
					at := 2*s + int(ro) + 2*int(c-uint32(start))
					if g = be.Uint16(ranges[at:]); g != 0 {
						g += delta
					}
				}
				if g != 0 {
					out[rune(c)] = true
				}
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("no Unicode BMP cmap")
}
