// Command geogen converts MaxMind's legacy GeoLite Country databases, as the
// Debian package geoip-database installs them (/usr/share/GeoIP/GeoIP.dat
// and GeoIPv6.dat, CC BY-SA 4.0, "This product includes GeoLite data created
// by MaxMind, available from https://www.maxmind.com"), into the compact
// table internal/stats embeds (geo.bin). It is run by hand when the table is
// renewed, never at run time or in CI:
//
//	apt-get install -y geoip-database
//	go run ./internal/stats/geogen -out internal/stats/geo.bin
//
// The legacy format is a binary tree: node n is six bytes at 6n, two
// records of three bytes (little endian), the left for a 0 bit and the right
// for a 1; a record of countryBegin or more is a leaf, the country's index
// in libGeoIP's code table. The tree is walked into sorted ranges (start →
// country), neighbours of one country merged; the file is gzip of:
//
//	"HMSGEO1\n", uvarint n, n × (2-byte code, uvarint+Dutch name, uvarint+English name),
//	uvarint m, m × (uvarint start delta, byte country) for IPv4 (32-bit starts),
//	uvarint k, k × (uvarint start delta, byte country) for IPv6 (the first 64 bits)
//
// where the country byte indexes the first list and "--" is no country.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

const countryBegin = 16776960

// codes is libGeoIP 1.6's GeoIP_country_code table (the record's index).
var codes = strings.Fields(`-- AP EU AD AE AF AG AI AL AM CW AO AQ AR AS AT AU AW AZ BA BB BD BE BF BG BH BI BJ BM BN BO BR BS BT BV BW BY
BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR SX GA GB GD GE
GF GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IN IO IQ IR IS IT JM JO JP KE KG KH KI KM KN KP KR
KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG
NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN
SO SR ST SV SY SZ TC TD TF TG TH TJ TK TM TN TO TL TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT RS
ZA ZM ME ZW A1 A2 O1 AX GG IM JE BL MF BQ SS O1`)

// special are the codes that are no ISO country.
var special = map[string][2]string{
	"--": {"Onbekend", "Unknown"},
	"AP": {"Azië en Stille Oceaan", "Asia/Pacific"},
	"EU": {"Europa", "Europe"},
	"A1": {"Anonieme proxy", "Anonymous proxy"},
	"A2": {"Satellietverbinding", "Satellite provider"},
	"O1": {"Overig", "Other"},
}

type rng struct {
	start uint64
	cc    string
}

func main() {
	v4 := flag.String("v4", "/usr/share/GeoIP/GeoIP.dat", "the IPv4 country database")
	v6 := flag.String("v6", "/usr/share/GeoIP/GeoIPv6.dat", "the IPv6 country database")
	out := flag.String("out", "internal/stats/geo.bin", "the file to write")
	flag.Parse()
	if len(codes) != 256 {
		log.Fatalf("code table has %d entries", len(codes))
	}
	r4, err := walk(*v4, 32)
	if err != nil {
		log.Fatal(err)
	}
	r6, err := walk(*v6, 128)
	if err != nil {
		log.Fatal(err)
	}
	data, err := encode(r4, r6)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("%d IPv4 ranges, %d IPv6 ranges, %d bytes", len(r4), len(r6), len(data))
}

// walk reads the tree of a database of bits-bit addresses into merged
// ranges; IPv6 starts keep their first 64 bits.
func walk(path string, bits int) ([]rng, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []rng
	deep := 0
	var visit func(node uint32, depth int, prefix [2]uint64) error
	visit = func(node uint32, depth int, prefix [2]uint64) error {
		if depth >= bits {
			return fmt.Errorf("%s: tree deeper than %d bits", path, bits)
		}
		o := int(node) * 6
		if o+6 > len(b) {
			return fmt.Errorf("%s: node %d beyond the file", path, node)
		}
		for bit := range 2 {
			rec := uint32(b[o+3*bit]) | uint32(b[o+3*bit+1])<<8 | uint32(b[o+3*bit+2])<<16
			p := prefix
			if bit == 1 {
				pos := bits - 1 - depth // bit position from the right in a bits-wide number
				if bits == 32 {
					p[1] |= 1 << pos
				} else if pos >= 64 {
					p[0] |= 1 << (pos - 64)
				} else {
					p[1] |= 1 << pos
				}
			}
			if rec >= countryBegin {
				start := p[1]
				if bits == 128 {
					start = p[0]
					if depth+1 > 64 {
						deep++
						if p[1] != 0 || len(out) > 0 && out[len(out)-1].start == start {
							continue // a range inside a /64 another range starts: kept at 64-bit resolution
						}
					}
				}
				cc := codes[rec-countryBegin]
				if len(out) > 0 && out[len(out)-1].cc == cc {
					continue
				}
				out = append(out, rng{start, cc})
				continue
			}
			if err := visit(rec, depth+1, p); err != nil {
				return err
			}
		}
		return nil
	}
	if err := visit(0, 0, [2]uint64{}); err != nil {
		return nil, err
	}
	if deep > 0 {
		log.Printf("%s: %d leaves longer than /64 rounded to /64", path, deep)
	}
	return out, nil
}

func encode(r4, r6 []rng) ([]byte, error) {
	used := map[string]bool{"--": true}
	for _, r := range append(append([]rng{}, r4...), r6...) {
		used[r.cc] = true
	}
	var list []string
	index := map[string]byte{}
	for _, c := range codes {
		if used[c] && !containsKey(index, c) {
			index[c] = byte(len(list))
			list = append(list, c)
		}
	}
	var raw bytes.Buffer
	raw.WriteString("HMSGEO1\n")
	uv := func(v uint64) { raw.Write(binary.AppendUvarint(nil, v)) }
	str := func(s string) { uv(uint64(len(s))); raw.WriteString(s) }
	uv(uint64(len(list)))
	for _, c := range list {
		nl, en, err := names(c)
		if err != nil {
			return nil, err
		}
		raw.WriteString(c)
		str(nl)
		str(en)
	}
	for _, rs := range [][]rng{r4, r6} {
		uv(uint64(len(rs)))
		var prev uint64
		for i, r := range rs {
			if i > 0 && r.start <= prev {
				return nil, errors.New("ranges out of order")
			}
			uv(r.start - prev)
			raw.WriteByte(index[r.cc])
			prev = r.start
		}
	}
	var z bytes.Buffer
	w, err := gzip.NewWriterLevel(&z, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(raw.Bytes()); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return z.Bytes(), nil
}

func containsKey(m map[string]byte, k string) bool { _, ok := m[k]; return ok }

// names are a code's country name in Dutch and English.
func names(code string) (nl, en string, err error) {
	if s, ok := special[code]; ok {
		return s[0], s[1], nil
	}
	r, err := language.ParseRegion(code)
	if err != nil {
		return "", "", fmt.Errorf("country %s: %w", code, err)
	}
	nl, en = display.Dutch.Regions().Name(r), display.English.Regions().Name(r)
	if nl == "" || en == "" {
		return "", "", fmt.Errorf("country %s has no name", code)
	}
	return nl, en, nil
}
