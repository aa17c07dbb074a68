// Package pargzip compresses a byte slice into one gzip member on several
// cores, as pigz does: the input is cut into pieces, each piece is
// deflated by a compressor of its own, every piece but the last ends with a
// sync flush (an empty stored block, which leaves the stream on a byte
// boundary) and the last with the final block, and the deflate streams are
// laid end to end between one gzip header and one trailer (the CRC-32 and
// length of the whole input). The result is a single ordinary gzip member
// that any gzip reader takes; a piece only refers back into itself, which
// costs a little compression at each cut.
package pargzip
