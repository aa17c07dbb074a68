package server

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash/crc32"
)

// maxCursorBack is how many earlier pages a cursor remembers for "prev"
// links; older pages are reached again from the first page.
const maxCursorBack = 16

// cursor is the opaque keyset paging token of OGC items: the page holds
// features with ids after After; Back lists where the earlier pages started,
// the nearest first, so that a "prev" link can be given without an OFFSET.
// Rows added while a client pages get larger ids and so land after its
// cursor: no feature is skipped or repeated.
type cursor struct {
	After int64
	Back  []int64
}

// next returns the cursor of the page after one that ended at id last.
func (c cursor) next(last int64) cursor {
	back := append([]int64{c.After}, c.Back...)
	if len(back) > maxCursorBack {
		back = back[:maxCursorBack]
	}
	return cursor{After: last, Back: back}
}

// prev returns the cursor of the page before, if known.
func (c cursor) prev() (cursor, bool) {
	if c.After == 0 || len(c.Back) == 0 {
		return cursor{}, false
	}
	return cursor{After: c.Back[0], Back: c.Back[1:]}, true
}

// String encodes the cursor: After, then the (positive) gaps down the Back
// chain, as unsigned varints, then two check bytes (of a CRC-32 of the
// rest, so that a made-up or damaged cursor is refused rather than read as
// some other page), in unpadded base64url.
func (c cursor) String() string {
	b := binary.AppendUvarint(nil, uint64(c.After))
	prev := c.After
	for _, v := range c.Back {
		b = binary.AppendUvarint(b, uint64(prev-v))
		prev = v
	}
	b = binary.BigEndian.AppendUint16(b, cursorCheck(b))
	return base64.RawURLEncoding.EncodeToString(b)
}

// cursorCheck is the check of a cursor's varints.
func cursorCheck(b []byte) uint16 { return uint16(crc32.ChecksumIEEE(b)) }

var errCursor = errors.New("cursor is not one this server gave out; follow the next link of a page, or start without a cursor")

// parseCursor decodes a cursor from an untrusted query parameter.
func parseCursor(s string) (cursor, error) {
	if s == "" {
		return cursor{}, nil
	}
	if len(s) > 256 {
		return cursor{}, errCursor
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 3 {
		return cursor{}, errCursor
	}
	body, check := b[:len(b)-2], binary.BigEndian.Uint16(b[len(b)-2:])
	if cursorCheck(body) != check {
		return cursor{}, errCursor
	}
	b = body
	after, n := binary.Uvarint(b)
	if n <= 0 || after > 1<<62 {
		return cursor{}, errCursor
	}
	c := cursor{After: int64(after)}
	b = b[n:]
	prev := c.After
	for len(b) > 0 {
		gap, n := binary.Uvarint(b)
		if n <= 0 || gap == 0 || gap > uint64(prev) || len(c.Back) >= maxCursorBack {
			return cursor{}, errCursor
		}
		prev -= int64(gap)
		c.Back = append(c.Back, prev)
		b = b[n:]
	}
	return c, nil
}
