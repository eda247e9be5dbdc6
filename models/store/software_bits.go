package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// SoftwareBits holds the files of each (product, version, language,
// bitness): "the bits" a download link serves.
type SoftwareBits interface {
	Open(ctx context.Context, name string) (io.ReadSeekCloser, time.Time, error)
}

// LocalBits keeps the bits in a folder (DATA_DIR/software by default). The
// demo has no real installers: a missing file is generated, small and
// deterministic, on first use. With Dir "" the bits are generated in
// memory.
type LocalBits struct{ Dir string }

// demoBits is the generated content of the demo file name (64 KiB).
func demoBits(name string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Partner Console demo bits: %s\nNot an installer.\n", name)
	seed := sha256.Sum256([]byte(name))
	for b.Len() < 64<<10 {
		seed = sha256.Sum256(seed[:])
		b.Write(seed[:])
	}
	return b.Bytes()[:64<<10]
}

type nopCloser struct{ io.ReadSeeker }

func (nopCloser) Close() error { return nil }

// Open implements SoftwareBits.
func (l LocalBits) Open(_ context.Context, name string) (io.ReadSeekCloser, time.Time, error) {
	if name != filepath.Base(name) || name == "" || name[0] == '.' {
		return nil, time.Time{}, fmt.Errorf("software bits: bad name %q", name)
	}
	if l.Dir == "" {
		return nopCloser{bytes.NewReader(demoBits(name))}, time.Time{}, nil
	}
	p := filepath.Join(l.Dir, name)
	if _, err := os.Stat(p); os.IsNotExist(err) {
		if err := os.MkdirAll(l.Dir, 0o750); err != nil {
			return nil, time.Time{}, fmt.Errorf("software bits: %w", err)
		}
		tmp := p + ".tmp"
		if err := os.WriteFile(tmp, demoBits(name), 0o640); err != nil {
			return nil, time.Time{}, fmt.Errorf("software bits: %w", err)
		}
		if err := os.Rename(tmp, p); err != nil {
			return nil, time.Time{}, fmt.Errorf("software bits: %w", err)
		}
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("software bits: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, time.Time{}, fmt.Errorf("software bits: %w", err)
	}
	return f, st.ModTime(), nil
}

// OpenBits opens the bits a checked download serves.
func (s *Store) OpenBits(ctx context.Context, d DownloadFile) (io.ReadSeekCloser, time.Time, error) {
	b := s.Bits
	if b == nil {
		b = LocalBits{}
	}
	return b.Open(ctx, d.Name())
}
