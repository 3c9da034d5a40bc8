package frames

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// aviSource plays a Motion-JPEG AVI: the file is scanned once for its
// video chunks (offset and length; NNdc or NNdb chunks of the video
// stream, inside movi lists, nested rec lists and OpenDML AVIX parts),
// and each frame is read from the file when it is due, so a long lesson
// recording takes no more memory than a frame.
type aviSource struct {
	name   string
	mu     sync.Mutex // f is closed by Close from another goroutine
	f      *os.File
	chunks []aviChunk
	period time.Duration
	once   bool
	next   int
	count  int
	pace   pacer
	buf    []byte
}

type aviChunk struct {
	off int64
	n   uint32
}

// maxAVIFrame caps one frame's bytes: a damaged length must not allocate
// gigabytes.
const maxAVIFrame = 32 << 20

// OpenAVI reads the chunk list of the Motion-JPEG AVI at path.
func OpenAVI(path string, opt Options) (Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	s := &aviSource{name: filepath.Base(path), f: f, once: opt.Once}
	p := aviParser{r: f, size: st.Size(), video: -1}
	if err := p.file(); err != nil {
		f.Close()
		return nil, fmt.Errorf("%w: %s is not a readable AVI: %v", ErrBroken, s.name, err)
	}
	if p.handler != "" && p.handler != "MJPG" && p.handler != "mjpg" && p.handler != "\x00\x00\x00\x00" {
		f.Close()
		return nil, fmt.Errorf("%w: %s holds %q video; only Motion-JPEG (MJPG) AVI files are played", ErrBroken, s.name, p.handler)
	}
	if len(p.chunks) == 0 {
		f.Close()
		return nil, fmt.Errorf("%w: %s has no video frames", ErrBroken, s.name)
	}
	s.chunks = p.chunks
	s.period = p.period()
	return s, nil
}

func (s *aviSource) Name() string { return s.name }

func (s *aviSource) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	return err
}

func (s *aviSource) Next(ctx context.Context) (Frame, error) {
	if s.next == len(s.chunks) {
		if s.once {
			return Frame{}, io.EOF
		}
		s.next = 0
	}
	if err := s.pace.wait(ctx, s.period); err != nil {
		return Frame{}, err
	}
	c := s.chunks[s.next]
	fr := Frame{Index: s.count}
	s.next++
	s.count++
	if c.n > maxAVIFrame {
		fr.Err = fmt.Errorf("frame %d claims %d bytes", fr.Index, c.n)
		return fr, nil
	}
	s.mu.Lock()
	if s.f == nil {
		s.mu.Unlock()
		return Frame{}, errors.New(s.name + " is closed")
	}
	// A fresh slice each frame: the loop may still decode the previous
	// one while this one is read.
	buf := make([]byte, c.n)
	_, err := s.f.ReadAt(buf, c.off)
	s.mu.Unlock()
	if err != nil {
		return Frame{}, fmt.Errorf("%w: %s: reading frame %d: %v", ErrBroken, s.name, fr.Index, err)
	}
	fr.JPEG = buf
	return fr, nil
}

// aviParser walks the RIFF tree of an AVI file.
type aviParser struct {
	r       io.ReaderAt
	size    int64
	usec    uint32 // avih's microseconds per frame
	scale   uint32 // the video stream's strh: rate/scale frames a second
	rate    uint32
	handler string
	streams int // strl lists seen
	video   int // the video stream's number, -1 until its strh is read
	chunks  []aviChunk
}

func (p *aviParser) period() time.Duration {
	if p.scale > 0 && p.rate > 0 {
		d := time.Duration(float64(time.Second) * float64(p.scale) / float64(p.rate))
		if d >= time.Millisecond && d <= 10*time.Second {
			return d
		}
	}
	if p.usec >= 1000 && p.usec <= 10_000_000 {
		return time.Duration(p.usec) * time.Microsecond
	}
	return 40 * time.Millisecond // 25 frames a second when the file does not say
}

// file reads the RIFF AVI part and any RIFF AVIX parts after it.
func (p *aviParser) file() error {
	var off int64
	for part := 0; off+12 <= p.size; part++ {
		var h [12]byte
		if _, err := p.r.ReadAt(h[:], off); err != nil {
			return err
		}
		want := "AVI "
		if part > 0 {
			want = "AVIX"
		}
		if string(h[:4]) != "RIFF" || string(h[8:12]) != want {
			if part == 0 {
				return errors.New("no RIFF AVI header")
			}
			break
		}
		end := off + 8 + int64(binary.LittleEndian.Uint32(h[4:8]))
		if end > p.size {
			end = p.size // a recording cut short: play what is there
		}
		if err := p.list(off+12, end, 0); err != nil {
			return err
		}
		off = end + end&1
	}
	return nil
}

// list reads the chunks between off and end.
func (p *aviParser) list(off, end int64, depth int) error {
	if depth > 8 {
		return errors.New("lists nested too deep")
	}
	for off+8 <= end {
		var h [12]byte
		if _, err := p.r.ReadAt(h[:8], off); err != nil {
			return err
		}
		id := string(h[:4])
		n := int64(binary.LittleEndian.Uint32(h[4:8]))
		body := off + 8
		next := body + n + n&1
		if body+n > end {
			if id != "LIST" {
				return nil // a last chunk cut short is left out
			}
			n = end - body // the last list of a file cut short
		}
		switch {
		case id == "LIST":
			if n < 4 {
				break
			}
			if _, err := p.r.ReadAt(h[8:12], body); err != nil {
				return err
			}
			switch string(h[8:12]) {
			case "hdrl", "movi", "rec ":
				if err := p.list(body+4, body+n, depth+1); err != nil {
					return err
				}
			case "strl":
				p.streams++
				if err := p.list(body+4, body+n, depth+1); err != nil {
					return err
				}
			}
		case id == "avih" && n >= 4:
			var b [4]byte
			if _, err := p.r.ReadAt(b[:], body); err == nil {
				p.usec = binary.LittleEndian.Uint32(b[:])
			}
		case id == "strh" && n >= 28:
			var b [28]byte
			if _, err := p.r.ReadAt(b[:], body); err != nil {
				return err
			}
			if string(b[:4]) == "vids" && p.video < 0 {
				p.video = p.streams - 1
				p.handler = string(b[4:8])
				p.scale = binary.LittleEndian.Uint32(b[20:24])
				p.rate = binary.LittleEndian.Uint32(b[24:28])
			}
		case isVideoChunk(id):
			stream := int(id[0]-'0')*10 + int(id[1]-'0')
			if (p.video < 0 || stream == p.video) && n > 0 {
				p.chunks = append(p.chunks, aviChunk{off: body, n: uint32(n)})
			}
		}
		off = next
	}
	return nil
}

// isVideoChunk reports whether id names a video frame chunk: two digits
// (the stream) then dc (compressed) or db (uncompressed).
func isVideoChunk(id string) bool {
	return len(id) == 4 && id[0] >= '0' && id[0] <= '9' && id[1] >= '0' && id[1] <= '9' &&
		(id[2:] == "dc" || id[2:] == "db")
}

// WriteAVI writes JPEG frames as a Motion-JPEG AVI of width×height at fps
// frames a second: the smallest file the reader and common players take
// (one video stream, no index). For tests and demonstration videos;
// whoever writes a file passes an atomicfile writer.
func WriteAVI(w io.Writer, frames [][]byte, width, height int, fps float64) error {
	if fps <= 0 || width <= 0 || height <= 0 {
		return fmt.Errorf("frames: bad AVI size %dx%d or rate %g", width, height, fps)
	}
	le := binary.LittleEndian
	chunk := func(id string, body []byte) []byte {
		b := append([]byte(id), 0, 0, 0, 0)
		le.PutUint32(b[4:], uint32(len(body)))
		b = append(b, body...)
		if len(body)&1 == 1 {
			b = append(b, 0)
		}
		return b
	}
	list := func(kind string, parts ...[]byte) []byte {
		body := []byte(kind)
		for _, p := range parts {
			body = append(body, p...)
		}
		return chunk("LIST", body)
	}
	u32 := func(vs ...uint32) []byte {
		b := make([]byte, 4*len(vs))
		for i, v := range vs {
			le.PutUint32(b[4*i:], v)
		}
		return b
	}
	usec := uint32(1e6/fps + 0.5)
	avih := u32(usec, 0, 0, 0x10, uint32(len(frames)), 0, 1, 0, uint32(width), uint32(height), 0, 0, 0, 0)
	strh := append([]byte("vidsMJPG"), u32(0, 0, 0, 1000, uint32(fps*1000+0.5), 0, uint32(len(frames)), 0, 0xFFFFFFFF, 0, 0)...)
	strf := u32(40, uint32(width), uint32(height), 1|24<<16)
	strf = append(strf, []byte("MJPG")...)
	strf = append(strf, u32(uint32(width*height*3), 0, 0, 0, 0)...)
	var movi [][]byte
	for _, f := range frames {
		movi = append(movi, chunk("00dc", f))
	}
	riff := list("hdrl", chunk("avih", avih), list("strl", chunk("strh", strh), chunk("strf", strf)))
	riff = append(riff, list("movi", movi...)...)
	out := chunk("RIFF", append([]byte("AVI "), riff...))
	_, err := w.Write(out)
	return err
}
