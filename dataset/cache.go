package dataset

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"github.com/artlens/artlens/internal/atomicfile"
)

// The cache file holds, in this order: cacheMagic; the length of the JSON
// header as a little-endian uint64; the JSON header (cacheHeader); the
// 8-bit channel values of the Train, Val and Test images (input value times
// 255, CHW per image, one byte each); and the CRC-32 (Castagnoli) of all
// that, as a little-endian uint32. The input values are k/255 for 8-bit k
// (see picture.ToInput), so the bytes restore them exactly; writeCache
// checks it.
const cacheMagic = "ARTLENS DATASET CACHE v1\n"

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

type cacheHeader struct {
	Key              string
	Classes          []string
	Size             int
	Fingerprint      string
	Report           Report
	Train, Val, Test cacheSplit
}

type cacheSplit struct {
	Y     []int
	Paths []string
}

// describe writes the configuration, for the cache key and file name.
func (c config) describe(w io.Writer) {
	fmt.Fprintf(w, "classes %q\n", c.Classes)
	folders := make([]string, 0, len(c.ClassMap))
	for f := range c.ClassMap {
		folders = append(folders, f)
	}
	slices.Sort(folders)
	for _, f := range folders {
		fmt.Fprintf(w, "map %q %q\n", f, c.ClassMap[f])
	}
	fmt.Fprintf(w, "size %d\nval %v\nseed %d\ntest only %v\n", c.Size, c.ValFraction, c.Seed, c.TestOnly)
}

// cacheLocation returns the cache file for root and c, or "" for no cache,
// and the key that the file must hold to be used for files.
func cacheLocation(root string, c config, files []file) (path, key string) {
	dir := c.CacheDir
	switch dir {
	case "-":
		return "", ""
	case "":
		base, err := os.UserCacheDir()
		if err != nil {
			return "", ""
		}
		dir = filepath.Join(base, "artlens")
	}
	name := sha256.New()
	fmt.Fprintf(name, "%s%q\n", cacheMagic, root)
	c.describe(name)
	k := sha256.New()
	k.Write(name.Sum(nil))
	for _, f := range files {
		fmt.Fprintf(k, "%q %d %d %d %t\n", f.rel, f.size, f.mtime, f.class, f.test)
	}
	return filepath.Join(dir, "dataset-"+hex.EncodeToString(name.Sum(nil))[:16]+".cache"),
		hex.EncodeToString(k.Sum(nil))
}

// writeCache writes d to path, through a temporary file renamed into place.
func writeCache(path, key string, d *Data) (err error) {
	n := 3 * d.Size * d.Size
	hdr := cacheHeader{
		Key:         key,
		Classes:     d.Classes,
		Size:        d.Size,
		Fingerprint: d.Fingerprint,
		Report:      d.Report,
		Train:       cacheSplit{d.Train.Y, d.Train.Paths},
		Val:         cacheSplit{d.Val.Y, d.Val.Paths},
		Test:        cacheSplit{d.Test.Y, d.Test.Paths},
	}
	js, err := json.Marshal(hdr)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return err
	}
	defer f.Abort() // unless committed
	crc := crc32.New(castagnoli)
	bw := bufio.NewWriterSize(io.MultiWriter(f, crc), 1<<20)
	bw.WriteString(cacheMagic)
	binary.Write(bw, binary.LittleEndian, uint64(len(js)))
	bw.Write(js)
	buf := make([]uint8, n)
	for _, s := range []Split{d.Train, d.Val, d.Test} {
		for i := 0; i < s.Len(); i++ {
			for j, v := range s.Image(i) {
				q := math.Round(float64(v) * 255)
				if q < 0 || q > 255 || lut[int(q)] != v {
					return errors.New("dataset: input values are not 8-bit; not cached")
				}
				buf[j] = uint8(q)
			}
			bw.Write(buf)
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := binary.Write(f, binary.LittleEndian, crc.Sum32()); err != nil {
		return err
	}
	return f.Commit()
}

// errBadCache is returned by readCache for a missing, stale or damaged
// cache file.
var errBadCache = errors.New("dataset: cache file is stale or damaged")

// readCache reads the data cached in path if it holds key.
func readCache(path, key string) (*Data, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) < len(cacheMagic)+8+4 || !bytes.HasPrefix(b, []byte(cacheMagic)) {
		return nil, errBadCache
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	rest := body[len(cacheMagic):]
	hlen := binary.LittleEndian.Uint64(rest)
	rest = rest[8:]
	if hlen > uint64(len(rest)) {
		return nil, errBadCache
	}
	var hdr cacheHeader
	if err := json.Unmarshal(rest[:hlen], &hdr); err != nil || hdr.Key != key {
		return nil, errBadCache
	}
	pix := rest[hlen:]
	if hdr.Size < 1 {
		return nil, errBadCache
	}
	n := 3 * hdr.Size * hdr.Size
	splits := []cacheSplit{hdr.Train, hdr.Val, hdr.Test}
	total := 0
	for _, s := range splits {
		if len(s.Y) != len(s.Paths) {
			return nil, errBadCache
		}
		for _, y := range s.Y {
			if y < 0 || y >= len(hdr.Classes) {
				return nil, errBadCache
			}
		}
		total += len(s.Y)
	}
	if len(pix) != total*n {
		return nil, errBadCache
	}
	// The checksum is checked last: a stale file is rejected by its key
	// without the cost of checksumming it.
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, errBadCache
	}
	x := make([]float32, len(pix))
	parallelToFloat(x, pix)
	d := &Data{Classes: hdr.Classes, Size: hdr.Size, Fingerprint: hdr.Fingerprint, Report: hdr.Report}
	out := []*Split{&d.Train, &d.Val, &d.Test}
	for k, s := range splits {
		m := len(s.Y) * n
		*out[k] = Split{X: x[:m:m], Y: s.Y, Paths: s.Paths}
		x = x[m:]
	}
	return d, nil
}

// parallelToFloat is toFloat spread over the CPUs.
func parallelToFloat(dst []float32, src []uint8) {
	const chunk = 1 << 20
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.NumCPU())
	for i := 0; i < len(src); i += chunk {
		j := min(i+chunk, len(src))
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			toFloat(dst[i:j], src[i:j])
			<-sem
		}()
	}
	wg.Wait()
}
