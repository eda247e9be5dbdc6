package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob" // file:// buckets: the default, under DATA_DIR
	"gocloud.dev/blob/memblob"
	"gocloud.dev/gcerrors"

	"partnerconsole/models"
)

// The bits of on-premises software (R-SW-3, R-SW-4): one file per
// (product, version, language, bitness) in a gocloud.dev/blob bucket —
// file:// under DATA_DIR by default, any S3-compatible store by BLOB_URL
// (the s3blob driver is registered by cmd/console only, so the store and
// its tests do not build the AWS SDK). Downloads read the bucket through a
// seekable blob.Reader, so http.ServeContent answers range requests with
// range reads.

// SoftwareBits holds the files a download link serves.
type SoftwareBits interface {
	Open(ctx context.Context, name string) (io.ReadSeekCloser, time.Time, error)
}

// BlobBits serves the bits from a bucket.
type BlobBits struct{ Bucket *blob.Bucket }

// Open implements SoftwareBits: a missing file is not_found (the link's
// page says nothing more), any other failure is wrapped.
func (b BlobBits) Open(ctx context.Context, name string) (io.ReadSeekCloser, time.Time, error) {
	if !validBitsName(name) {
		return nil, time.Time{}, models.NotFound()
	}
	r, err := b.Bucket.NewReader(ctx, name, nil)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, time.Time{}, fmt.Errorf("software bits %s: %w", name, models.NotFound())
	}
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("software bits %s: %w", name, err)
	}
	return r, r.ModTime(), nil
}

func validBitsName(name string) bool {
	return name != "" && name[0] != '.' && name == filepath.Base(name) && !strings.ContainsAny(name, `/\`)
}

// BitsBucketURL is the bucket of the bits: rawURL (BLOB_URL) when set,
// else a folder "software" under dataDir, created on first use.
func BitsBucketURL(rawURL, dataDir string) (string, error) {
	if rawURL != "" {
		return rawURL, nil
	}
	dir, err := filepath.Abs(filepath.Join(dataDir, "software"))
	if err != nil {
		return "", fmt.Errorf("software bits folder: %w", err)
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(dir), RawQuery: "create_dir=1&no_tmp_dir=1"}
	return u.String(), nil
}

// OpenBitsBucket opens the bucket of the bits (see BitsBucketURL).
func OpenBitsBucket(ctx context.Context, rawURL, dataDir string) (*blob.Bucket, error) {
	u, err := BitsBucketURL(rawURL, dataDir)
	if err != nil {
		return nil, err
	}
	b, err := blob.OpenBucket(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("open the software bits bucket (BLOB_URL): %w", err)
	}
	return b, nil
}

// demoBits is the generated content of the demo file name (64 KiB): the
// demo ships no real installers.
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

// SoftwareBitNames are the names of every file the catalogue offers: each
// product's offered versions in each of its languages and bitnesses.
func (s *Store) SoftwareBitNames(ctx context.Context) ([]string, error) {
	var rows []struct {
		SKU       string `gorm:"column:sku"`
		Version   string
		Languages models.TextArray `gorm:"type:text[]"`
		Bitness   models.TextArray `gorm:"type:text[]"`
	}
	if err := s.db.WithContext(ctx).Table("software_versions v").Select("p.sku, v.version, p.languages, p.bitness").
		Joins("JOIN software_products p ON p.id = v.product_id").Order("p.sku, v.rank").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("software bit names: %w", err)
	}
	var out []string
	for _, r := range rows {
		for _, lang := range r.Languages {
			for _, bits := range r.Bitness {
				out = append(out, DownloadFile{SKU: r.SKU, Version: r.Version, Language: lang, Bitness: bits}.Name())
			}
		}
	}
	return out, nil
}

// WriteDemoBits writes the demo's small generated file for every file of
// the catalogue the bucket lacks (seed and local start; never a real
// installer), and tells how many it wrote.
func (s *Store) WriteDemoBits(ctx context.Context, b *blob.Bucket) (int, error) {
	names, err := s.SoftwareBitNames(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, name := range names {
		ok, err := b.Exists(ctx, name)
		if err != nil {
			return n, fmt.Errorf("demo bits %s: %w", name, err)
		}
		if ok {
			continue
		}
		if err := b.WriteAll(ctx, name, demoBits(name), &blob.WriterOptions{ContentType: "application/octet-stream"}); err != nil {
			return n, fmt.Errorf("demo bits %s: %w", name, err)
		}
		n++
	}
	return n, nil
}

// OpenBits opens the bits a checked download serves. Without a bucket
// (tests), the file is generated into an in-memory bucket (memblob).
func (s *Store) OpenBits(ctx context.Context, d DownloadFile) (io.ReadSeekCloser, time.Time, error) {
	if s.Bits != nil {
		return s.Bits.Open(ctx, d.Name())
	}
	mem := memblob.OpenBucket(nil)
	if err := mem.WriteAll(ctx, d.Name(), demoBits(d.Name()), nil); err != nil {
		return nil, time.Time{}, fmt.Errorf("software bits: %w", err)
	}
	r, mod, err := BlobBits{Bucket: mem}.Open(ctx, d.Name())
	if err != nil {
		_ = mem.Close()
		return nil, time.Time{}, err
	}
	return bucketReader{ReadSeekCloser: r, bucket: mem}, mod, nil
}

// bucketReader closes its bucket with the reader.
type bucketReader struct {
	io.ReadSeekCloser
	bucket *blob.Bucket
}

func (r bucketReader) Close() error {
	err := r.ReadSeekCloser.Close()
	if cerr := r.bucket.Close(); err == nil {
		err = cerr
	}
	return err
}
