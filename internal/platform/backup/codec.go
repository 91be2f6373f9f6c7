package backup

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"time"
)

// The body, once decrypted and decompressed, is a stream of records:
//
//	'T' table name, number of columns, column names   a table begins
//	'R' one value per column                          a row
//	'E' number of rows                                the table ends
//	'Z' number of tables                              the dump ends
//
// Strings and byte strings are a length (uvarint) and the bytes; a value is
// a tag and its payload. The types are the few both engines share, so a
// file does not depend on the engine that wrote it.
const (
	recTable = 'T'
	recRow   = 'R'
	recEnd   = 'E'
	recDone  = 'Z'
)

const (
	tagNull byte = iota
	tagInt
	tagText
	tagBytes
	tagBool
	tagFloat
)

type encoder struct {
	w   *bufio.Writer
	tmp [binary.MaxVarintLen64]byte
}

func (e *encoder) byte(b byte) { _ = e.w.WriteByte(b) }

func (e *encoder) uvarint(n uint64) {
	k := binary.PutUvarint(e.tmp[:], n)
	_, _ = e.w.Write(e.tmp[:k])
}

func (e *encoder) varint(n int64) {
	k := binary.PutVarint(e.tmp[:], n)
	_, _ = e.w.Write(e.tmp[:k])
}

func (e *encoder) text(s string) {
	e.uvarint(uint64(len(s)))
	_, _ = e.w.WriteString(s)
}

func (e *encoder) bytes(b []byte) {
	e.uvarint(uint64(len(b)))
	_, _ = e.w.Write(b)
}

// value writes one column value as the driver returned it.
func (e *encoder) value(v any) error {
	switch x := v.(type) {
	case nil:
		e.byte(tagNull)
	case int64:
		e.byte(tagInt)
		e.varint(x)
	case string:
		e.byte(tagText)
		e.text(x)
	case []byte:
		e.byte(tagBytes)
		e.bytes(x)
	case bool:
		e.byte(tagBool)
		if x {
			e.byte(1)
		} else {
			e.byte(0)
		}
	case float64:
		e.byte(tagFloat)
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], math.Float64bits(x))
		_, _ = e.w.Write(b[:])
	case time.Time:
		// HMS keeps times as TEXT; a driver that parsed one gets it back
		// in the form HMS writes.
		e.byte(tagText)
		e.text(x.UTC().Format(time.RFC3339Nano))
	default:
		return fmt.Errorf("backup: a value of type %T", v)
	}
	return nil
}

type decoder struct{ r *bufio.Reader }

// errFormat: the decrypted body is not what this package writes.
var errFormat = errors.New("backup: the file's contents are malformed")

func (d *decoder) byte() (byte, error) {
	b, err := d.r.ReadByte()
	if err != nil {
		return 0, errBody(err)
	}
	return b, nil
}

// errBody keeps the decryption's own errors and calls everything else
// malformed.
func errBody(err error) error {
	if errors.Is(err, ErrDamaged) {
		return err
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return ErrDamaged
	}
	return errFormat
}

func (d *decoder) uvarint() (uint64, error) {
	n, err := binary.ReadUvarint(d.r)
	if err != nil {
		return 0, errBody(err)
	}
	return n, nil
}

func (d *decoder) bytes() ([]byte, error) {
	n, err := d.uvarint()
	if err != nil {
		return nil, err
	}
	if n > 1<<30 {
		return nil, errFormat
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(d.r, b); err != nil {
		return nil, errBody(err)
	}
	return b, nil
}

func (d *decoder) text() (string, error) {
	b, err := d.bytes()
	return string(b), err
}

func (d *decoder) value() (any, error) {
	tag, err := d.byte()
	if err != nil {
		return nil, err
	}
	switch tag {
	case tagNull:
		return nil, nil
	case tagInt:
		n, err := binary.ReadVarint(d.r)
		if err != nil {
			return nil, errBody(err)
		}
		return n, nil
	case tagText:
		return d.text()
	case tagBytes:
		return d.bytes()
	case tagBool:
		b, err := d.byte()
		return b == 1, err
	case tagFloat:
		var b [8]byte
		if _, err := io.ReadFull(d.r, b[:]); err != nil {
			return nil, errBody(err)
		}
		return math.Float64frombits(binary.BigEndian.Uint64(b[:])), nil
	}
	return nil, errFormat
}
