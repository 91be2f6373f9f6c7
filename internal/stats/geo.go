package stats

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"sort"
	"sync"
)

// geo.bin is the IP-range → country table made by geogen from MaxMind's
// GeoLite Country data (Debian's geoip-database, CC BY-SA 4.0): "This product
// includes GeoLite data created by MaxMind, available from
// https://www.maxmind.com". It is read once, at the first look-up; nothing
// is asked of any service at run time.
//
//go:embed geo.bin
var geoData []byte

// GeoAttribution is the licence's notice, shown where the countries are.
const GeoAttribution = "This product includes GeoLite data created by MaxMind, available from https://www.maxmind.com (CC BY-SA 4.0)."

// UnknownCountry is the code of an address no range names.
const UnknownCountry = "--"

type geoTable struct {
	codes    []string
	names    map[string][2]string // code → Dutch, English
	v4       []uint32
	v4cc     []byte
	v6       []uint64
	v6cc     []byte
	loadErr  error
	loadOnce sync.Once
}

var geo geoTable

func (g *geoTable) load() error {
	g.loadOnce.Do(func() { g.loadErr = g.read(geoData) })
	return g.loadErr
}

func (g *geoTable) read(data []byte) error {
	z, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("stats: geo table: %w", err)
	}
	r := bufio.NewReader(z)
	magic := make([]byte, 8)
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != "HMSGEO1\n" {
		return errors.New("stats: geo table: not an HMSGEO1 file")
	}
	str := func() (string, error) {
		n, err := binary.ReadUvarint(r)
		if err != nil || n > 200 {
			return "", errors.New("stats: geo table: bad name")
		}
		b := make([]byte, n)
		_, err = io.ReadFull(r, b)
		return string(b), err
	}
	n, err := binary.ReadUvarint(r)
	if err != nil || n > 256 {
		return errors.New("stats: geo table: bad country count")
	}
	g.names = map[string][2]string{}
	for range n {
		code := make([]byte, 2)
		if _, err := io.ReadFull(r, code); err != nil {
			return fmt.Errorf("stats: geo table: %w", err)
		}
		nl, err := str()
		if err != nil {
			return err
		}
		en, err := str()
		if err != nil {
			return err
		}
		g.codes = append(g.codes, string(code))
		g.names[string(code)] = [2]string{nl, en}
	}
	ranges := func(add func(start uint64, cc byte)) error {
		m, err := binary.ReadUvarint(r)
		if err != nil {
			return fmt.Errorf("stats: geo table: %w", err)
		}
		var start uint64
		for range m {
			d, err := binary.ReadUvarint(r)
			if err != nil {
				return fmt.Errorf("stats: geo table: %w", err)
			}
			cc, err := r.ReadByte()
			if err != nil || int(cc) >= len(g.codes) {
				return errors.New("stats: geo table: bad range")
			}
			start += d
			add(start, cc)
		}
		return nil
	}
	if err := ranges(func(s uint64, cc byte) { g.v4 = append(g.v4, uint32(s)); g.v4cc = append(g.v4cc, cc) }); err != nil {
		return err
	}
	return ranges(func(s uint64, cc byte) { g.v6 = append(g.v6, s); g.v6cc = append(g.v6cc, cc) })
}

// Country is the code of the country an address is in, by the embedded
// table; UnknownCountry when no range names it (or the table is broken).
func Country(a netip.Addr) string {
	if geo.load() != nil || !a.IsValid() {
		return UnknownCountry
	}
	a = a.Unmap()
	if a.Is4() {
		b := a.As4()
		v := binary.BigEndian.Uint32(b[:])
		i := sort.Search(len(geo.v4), func(i int) bool { return geo.v4[i] > v }) - 1
		if i < 0 {
			return UnknownCountry
		}
		return geo.codes[geo.v4cc[i]]
	}
	b := a.As16()
	v := binary.BigEndian.Uint64(b[:8])
	i := sort.Search(len(geo.v6), func(i int) bool { return geo.v6[i] > v }) - 1
	if i < 0 {
		return UnknownCountry
	}
	return geo.codes[geo.v6cc[i]]
}

// CountryName is a country code's name in lang ("nl", "en"); the code
// itself when the table does not know it.
func CountryName(code, lang string) string {
	if geo.load() != nil {
		return code
	}
	n, ok := geo.names[code]
	if !ok {
		return code
	}
	if lang == "en" {
		return n[1]
	}
	return n[0]
}
