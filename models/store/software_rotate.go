package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// ---- Rotating ENCRYPTION_KEY (R-SW-4): the rotate-keys command ----

// SoftwareKeyID is the id of the encryption key product keys are sealed
// under now (the current ENCRYPTION_KEY).
func (s *Store) SoftwareKeyID() string { return softwareKeyID(s.SecretKey) }

// KeyRotation is what rotate-keys did.
type KeyRotation struct {
	SoftwareKeys int // product keys re-sealed under the current key
	TOTPSeeds    int // second-factor seeds re-sealed under the current key
	// Stranded are the product keys still sealed under a key that is
	// neither the current one nor one of the previous keys given.
	Stranded int
	// TOTPStranded are the second-factor seeds that open under none of the
	// keys given.
	TOTPStranded int
	// KeyCards are the Office 365 key cards re-sealed; KeyCardsStranded
	// open under none of the keys given.
	KeyCards         int
	KeyCardsStranded int
}

// RotateEncryptionKey re-seals, under the store's current ENCRYPTION_KEY,
// every product key and every second-factor seed sealed under one of
// previous (the keys being replaced). Product keys carry their key id, so
// only those of a previous key are touched; seeds carry none, so each is
// tried under the current key first. Nothing opened is logged. Running it
// again is harmless (it re-seals nothing).
func (s *Store) RotateEncryptionKey(ctx context.Context, previous ...[]byte) (KeyRotation, error) {
	var r KeyRotation
	for _, old := range previous {
		if softwareKeyID(old) == s.SoftwareKeyID() {
			continue
		}
		n, err := s.RotateSoftwareKeys(ctx, old)
		if err != nil {
			return r, err
		}
		r.SoftwareKeys += n
	}
	var err error
	if r.TOTPSeeds, r.TOTPStranded, err = s.rotateTOTPSeeds(ctx, previous); err != nil {
		return r, err
	}
	if r.KeyCards, r.KeyCardsStranded, err = s.rotateKeyCards(ctx, previous); err != nil {
		return r, err
	}
	var stranded int64
	if err := s.db.WithContext(ctx).Model(&models.SoftwareOrderLine{}).Where("key_id <> ?", s.SoftwareKeyID()).Count(&stranded).Error; err != nil {
		return r, fmt.Errorf("count software keys: %w", err)
	}
	r.Stranded = int(stranded)
	return r, nil
}

// rotateTOTPSeeds re-seals the second-factor seeds that open under one of
// previous but not under the current key.
func (s *Store) rotateTOTPSeeds(ctx context.Context, previous [][]byte) (done, stranded int, err error) {
	err = s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var rows []secondFactorRow
		if err := forUpdate(tx).Select("user_id, totp_seed").Order("user_id").Find(&rows).Error; err != nil {
			return fmt.Errorf("rotate second-factor seeds: %w", err)
		}
		for _, f := range rows {
			sealed, outcome, err := s.reseal(f.TOTPSeed, seedBinding(f.UserID), previous)
			if err != nil {
				return fmt.Errorf("rotate second-factor seeds: %w", err)
			}
			if outcome == strandedSeal {
				stranded++
			}
			if outcome != resealed {
				continue
			}
			if err := tx.Model(&secondFactorRow{}).Where("user_id = ?", f.UserID).
				Updates(map[string]any{"totp_seed": sealed, "updated_at": now}).Error; err != nil {
				return fmt.Errorf("rotate second-factor seeds: %w", err)
			}
			done++
		}
		return nil
	})
	return done, stranded, err
}

// rotateKeyCards re-seals the Office 365 key cards that open under one of
// previous but not under the current key (they carry no key id either).
func (s *Store) rotateKeyCards(ctx context.Context, previous [][]byte) (done, stranded int, err error) {
	err = s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		var cards []models.KeyCard
		if err := forUpdate(tx).Select("id, key_hash, key_sealed").Order("id").Find(&cards).Error; err != nil {
			return fmt.Errorf("rotate key cards: %w", err)
		}
		for _, c := range cards {
			sealed, outcome, err := s.reseal(c.KeySealed, o365KeyBinding(c.KeyHash), previous)
			if err != nil {
				return fmt.Errorf("rotate key cards: %w", err)
			}
			if outcome == strandedSeal {
				stranded++
			}
			if outcome != resealed {
				continue
			}
			if err := tx.Model(&models.KeyCard{}).Where("id = ?", c.ID).Update("key_sealed", sealed).Error; err != nil {
				return fmt.Errorf("rotate key cards: %w", err)
			}
			done++
		}
		return nil
	})
	return done, stranded, err
}

// resealOutcome is what reseal did with one sealed value.
type resealOutcome int

const (
	alreadyCurrent resealOutcome = iota // opens under the current key: nothing to do
	resealed                            // opened under a previous key, sealed again under the current one
	strandedSeal                        // opens under none of the keys given
)

// reseal opens sealed under the current key or one of previous and, when it
// took a previous key, seals it again under the current one.
func (s *Store) reseal(sealed []byte, boundTo string, previous [][]byte) ([]byte, resealOutcome, error) {
	if _, err := s.Open(sealed, boundTo); err == nil {
		return nil, alreadyCurrent, nil
	}
	for _, old := range previous {
		if plain, err := (&Store{SecretKey: old}).Open(sealed, boundTo); err == nil {
			out, err := s.Seal(plain, boundTo)
			return out, resealed, err
		}
	}
	return nil, strandedSeal, nil
}
