package report

import (
	"encoding/binary"
	"errors"
	"slices"
)

// A segment packs the recs of one workspace, kind and local day by
// column: a version, the row count, then each column in the order of
// segColumns. An integer column is a mode byte and either one value all
// rows share (mode 0) or one varint per row (mode 1); the date column
// holds deltas from the previous row (rows are sorted by date), a
// nullable duration holds 0 for NULL and zigzag(v)+1 otherwise, and a
// text column is its distinct values (a dictionary) followed by an
// integer column of indexes into it. A day of a few thousand
// conversations packs into a few bytes per row, and decoding it is a
// loop over byte slices.
const segmentVersion = 1

var errSegment = errors.New("report: corrupt segment")

const (
	intCols = 14 // Local, Channel, Team, Assignee, User, Reopen, Closed, Answered, Msgs, Responses, Reassign, A, B, C
	strCols = 4  // OpenedSource, ClosedSource, Category, Strategy
)

func zig(v int64) uint64   { return uint64(v<<1) ^ uint64(v>>63) }
func unzig(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

func nullEnc(n sqlNull) uint64 {
	if !n.Valid {
		return 0
	}
	return zig(n.Int64) + 1
}

// encodeSegment packs recs (sorting them by date).
func encodeSegment(recs []rec) []byte {
	slices.SortStableFunc(recs, func(a, b rec) int {
		switch {
		case a.Local < b.Local:
			return -1
		case a.Local > b.Local:
			return 1
		}
		return 0
	})
	n := len(recs)
	buf := binary.AppendUvarint(nil, segmentVersion)
	buf = binary.AppendUvarint(buf, uint64(n))
	col := make([]uint64, n)
	for c := range intCols {
		var prev int64
		for i := range recs {
			r := &recs[i]
			var u uint64
			switch c {
			case 0:
				u = zig(r.Local - prev)
				prev = r.Local
			case 1:
				u = zig(r.Channel)
			case 2:
				u = zig(r.Team)
			case 3:
				u = zig(r.Assignee)
			case 4:
				u = zig(r.User)
			case 5:
				u = zig(r.Reopen)
			case 6:
				u = zig(r.Closed)
			case 7:
				u = zig(r.Answered)
			case 8:
				u = zig(r.Msgs)
			case 9:
				u = zig(r.Responses)
			case 10:
				u = zig(r.Reassign)
			case 11:
				u = nullEnc(r.A)
			case 12:
				u = nullEnc(r.B)
			case 13:
				u = nullEnc(r.C)
			}
			col[i] = u
		}
		buf = appendCol(buf, col)
	}
	for c := range strCols {
		dict := map[string]uint64{}
		var order []string
		for i := range recs {
			s := recString(&recs[i], c)
			idx, ok := dict[s]
			if !ok {
				idx = uint64(len(order))
				dict[s] = idx
				order = append(order, s)
			}
			col[i] = idx
		}
		buf = binary.AppendUvarint(buf, uint64(len(order)))
		for _, s := range order {
			buf = binary.AppendUvarint(buf, uint64(len(s)))
			buf = append(buf, s...)
		}
		buf = appendCol(buf, col)
	}
	return buf
}

func recString(r *rec, c int) string {
	switch c {
	case 0:
		return r.OpenedSource
	case 1:
		return r.ClosedSource
	case 2:
		return r.Category
	}
	return r.Strategy
}

func appendCol(buf []byte, col []uint64) []byte {
	same := true
	for _, u := range col {
		if u != col[0] {
			same = false
			break
		}
	}
	if same {
		buf = append(buf, 0)
		if len(col) > 0 {
			return binary.AppendUvarint(buf, col[0])
		}
		return binary.AppendUvarint(buf, 0)
	}
	buf = append(buf, 1)
	for _, u := range col {
		buf = binary.AppendUvarint(buf, u)
	}
	return buf
}

// segDecoder decodes segments into column buffers it reuses from one
// segment to the next.
type segDecoder struct {
	n    int
	ints [intCols][]uint64
	strs [strCols][]string
	idx  [strCols][]uint64
}

func (d *segDecoder) readCol(data []byte, dst []uint64) ([]byte, error) {
	if len(data) == 0 {
		return nil, errSegment
	}
	mode := data[0]
	data = data[1:]
	if mode == 0 {
		v, k := binary.Uvarint(data)
		if k <= 0 {
			return nil, errSegment
		}
		for i := range dst {
			dst[i] = v
		}
		return data[k:], nil
	}
	for i := range dst {
		v, k := binary.Uvarint(data)
		if k <= 0 {
			return nil, errSegment
		}
		dst[i] = v
		data = data[k:]
	}
	return data, nil
}

// decode reads a segment into the decoder's columns.
func (d *segDecoder) decode(data []byte) error {
	ver, k := binary.Uvarint(data)
	if k <= 0 || ver != segmentVersion {
		return errSegment
	}
	data = data[k:]
	n, k := binary.Uvarint(data)
	if k <= 0 || n > uint64(len(data)) {
		return errSegment
	}
	data = data[k:]
	d.n = int(n)
	var err error
	for c := range intCols {
		d.ints[c] = slices.Grow(d.ints[c][:0], d.n)[:d.n]
		if data, err = d.readCol(data, d.ints[c]); err != nil {
			return err
		}
	}
	for c := range strCols {
		m, k := binary.Uvarint(data)
		if k <= 0 || m > uint64(len(data)) {
			return errSegment
		}
		data = data[k:]
		d.strs[c] = d.strs[c][:0]
		for range m {
			l, k := binary.Uvarint(data)
			if k <= 0 || uint64(len(data)-k) < l {
				return errSegment
			}
			d.strs[c] = append(d.strs[c], string(data[k:k+int(l)]))
			data = data[k+int(l):]
		}
		d.idx[c] = slices.Grow(d.idx[c][:0], d.n)[:d.n]
		if data, err = d.readCol(data, d.idx[c]); err != nil {
			return err
		}
		for _, i := range d.idx[c] {
			if i >= m {
				return errSegment
			}
		}
	}
	return nil
}

// each calls fn with every decoded row, in date order.
func (d *segDecoder) each(fn func(*rec)) {
	var r rec
	var local int64
	col := &d.ints
	null := func(u uint64) sqlNull {
		if u == 0 {
			return sqlNull{}
		}
		return sqlNull{Int64: unzig(u - 1), Valid: true}
	}
	for i := range d.n {
		local += unzig(col[0][i])
		r.Local = local
		r.Channel, r.Team, r.Assignee, r.User = unzig(col[1][i]), unzig(col[2][i]), unzig(col[3][i]), unzig(col[4][i])
		r.Reopen, r.Closed, r.Answered = unzig(col[5][i]), unzig(col[6][i]), unzig(col[7][i])
		r.Msgs, r.Responses, r.Reassign = unzig(col[8][i]), unzig(col[9][i]), unzig(col[10][i])
		r.A, r.B, r.C = null(col[11][i]), null(col[12][i]), null(col[13][i])
		r.OpenedSource, r.ClosedSource = d.strs[0][d.idx[0][i]], d.strs[1][d.idx[1][i]]
		r.Category, r.Strategy = d.strs[2][d.idx[2][i]], d.strs[3][d.idx[3][i]]
		fn(&r)
	}
}
