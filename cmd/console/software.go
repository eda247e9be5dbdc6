package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	_ "gocloud.dev/blob/s3blob" // BLOB_URL=s3://… (AWS S3 and S3-compatible stores)

	"partnerconsole/models/store"
)

// On-premises software (issue 10): the demo's bits and the rotate-keys
// command.

// writeDemoBits writes the demo's small generated software files into the
// bits bucket, where missing (seed-demo and a local start).
func writeDemoBits(ctx context.Context, st *store.Store, out io.Writer) error {
	b, ok := st.Bits.(store.BlobBits)
	if !ok {
		return nil
	}
	n, err := st.WriteDemoBits(ctx, b.Bucket)
	if err != nil {
		return fmt.Errorf("demo software bits: %w", err)
	}
	if n > 0 {
		fmt.Fprintf(out, "wrote %d demo software files (generated, not installers)\n", n)
	}
	return nil
}

// rotateKeys re-seals the software product keys and the second-factor
// seeds under ENCRYPTION_KEY from the previous keys, and fails when some
// are still sealed under a key it was not given.
func rotateKeys(ctx context.Context, st *store.Store, previous [][]byte, out io.Writer) error {
	if len(previous) == 0 {
		return errors.New("rotate-keys: set ENCRYPTION_KEY_PREVIOUS to the key being replaced (comma-separated for several) and ENCRYPTION_KEY to the new one")
	}
	r, err := st.RotateEncryptionKey(ctx, previous...)
	if err != nil {
		return fmt.Errorf("rotate-keys: %w", err)
	}
	fmt.Fprintf(out, "re-encrypted %d software keys, %d Office 365 key cards and %d second-factor seeds under key id %s\n", r.SoftwareKeys, r.KeyCards, r.TOTPSeeds, st.SoftwareKeyID())
	if r.Stranded > 0 || r.TOTPStranded > 0 || r.KeyCardsStranded > 0 {
		return fmt.Errorf("rotate-keys: %d software keys, %d Office 365 key cards and %d second-factor seeds are sealed under a key that is neither ENCRYPTION_KEY nor in ENCRYPTION_KEY_PREVIOUS", r.Stranded, r.KeyCardsStranded, r.TOTPStranded)
	}
	return nil
}
