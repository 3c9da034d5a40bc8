package frames

import (
	"bytes"
	"image"
	"image/jpeg"
)

// Motion-JPEG frames (from cameras and most AVI files) usually leave out
// the Huffman tables, which are then the standard ones of the JPEG
// standard's Annex K; Go's decoder needs them written. Go's encoder
// writes exactly those tables, so they are taken from a tiny picture it
// encodes (in colour, so all four) rather than typed out.
var standardDHT = func() []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewRGBA(image.Rect(0, 0, 8, 8)), nil); err != nil {
		return nil
	}
	var dht []byte
	walkSegments(b.Bytes(), func(marker byte, seg []byte) bool {
		if marker == 0xC4 {
			dht = append(dht, seg...)
		}
		return marker != 0xDA
	})
	return dht
}()

// walkSegments calls fn with each marker segment of a JPEG (its marker
// byte and its bytes from 0xFF on) up to and including the start of scan,
// or until fn returns false. It stops quietly at anything malformed.
func walkSegments(data []byte, fn func(marker byte, seg []byte) bool) {
	i := 2 // after SOI
	for i+4 <= len(data) {
		if data[i] != 0xFF {
			return
		}
		marker := data[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		n := int(data[i+2])<<8 | int(data[i+3])
		end := i + 2 + n
		if n < 2 || end > len(data) {
			return
		}
		if !fn(marker, data[i:end]) || marker == 0xDA {
			return
		}
		i = end
	}
}

// withHuffman returns data with the standard Huffman tables inserted after
// SOI when it has none before its scan, else data itself.
func withHuffman(data []byte) []byte {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 || standardDHT == nil {
		return data
	}
	has := false
	walkSegments(data, func(marker byte, _ []byte) bool {
		has = has || marker == 0xC4
		return !has
	})
	if has {
		return data
	}
	out := make([]byte, 0, len(data)+len(standardDHT))
	out = append(out, data[:2]...)
	out = append(out, standardDHT...)
	return append(out, data[2:]...)
}
