package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"partnerconsole/models"
)

// Office 365 product keys (issue 11, SPEC §6, seed 003, R-PK-1): the desk
// loads key cards for a console; a partner redeems keys in the Redeem
// wizard, whose draft lives here (checked keys stay reserved to it for 24
// hours), then creates the customer's account in one transaction; a key
// also renews an existing Office 365 subscription. Keys are sealed with
// Seal; only their SHA-256 is searchable and their last five characters
// shown; no opened key is logged or audited.

// o365KeyHash is the lookup hash of a canonical key.
func o365KeyHash(canonical string) []byte {
	h := sha256.Sum256([]byte("o365-product-key/v1:" + canonical))
	return h[:]
}

// o365KeyBinding binds a sealed key to its hash, so a sealed value copied
// onto another card does not open.
func o365KeyBinding(hash []byte) string { return "o365-key:" + hex.EncodeToString(hash) }

// newKeyCard seals a canonical key into a card row.
func (s *Store) newKeyCard(spec models.KeyCardSpec, consoleID int64, source string, by *int64, now time.Time) (models.KeyCard, error) {
	hash := o365KeyHash(spec.Key)
	sealed, err := s.Seal([]byte(spec.Key), o365KeyBinding(hash))
	if err != nil {
		return models.KeyCard{}, fmt.Errorf("seal product key: %w", err)
	}
	return models.KeyCard{ConsoleID: consoleID, ProductID: spec.ProductID, TermMonths: spec.TermMonths, Seats: spec.Seats,
		KeyHash: hash, KeySealed: sealed, KeyLast5: models.KeyLast5(strings.ReplaceAll(spec.Key, "-", "")),
		State: models.KeyAvailable, Source: source, LoadedBy: by, CreatedAt: now}, nil
}

// O365Products lists the catalogue's Office 365 products, by name.
func (s *Store) O365Products(ctx context.Context) ([]models.Product, error) {
	var ps []models.Product
	err := s.db.WithContext(ctx).Where("family = ?", models.FamilyOffice365).Order("name, id").Find(&ps).Error
	if err != nil {
		return nil, fmt.Errorf("list office 365 products: %w", err)
	}
	return ps, nil
}

func userRef(a models.Actor) *int64 {
	if a.UserID == 0 {
		return nil
	}
	id := a.UserID
	return &id
}

// deskConsole locks the console the desk loads keys for.
func deskConsole(tx *gorm.DB, a models.Actor, consoleID int64) (models.Console, error) {
	var c models.Console
	if err := a.Require(models.PermDeskProductKeys); err != nil {
		return c, err
	}
	return c, notFound(forUpdate(tx).Where("id = ?", consoleID).Take(&c).Error)
}

// insertKeyCards writes cards and the desk's audit event.
func insertKeyCards(tx *gorm.DB, a models.Actor, c models.Console, cards []models.KeyCard, source string, now time.Time) error {
	if err := tx.CreateInBatches(&cards, 200).Error; err != nil {
		if uniqueViolation(err, "product_key_cards_key_hash_key") {
			return &models.Error{Code: models.CodeConflict, Message: "A key of this batch is already loaded: try again."}
		}
		return fmt.Errorf("load key cards: %w", err)
	}
	return audit(tx, auditEntry{Actor: a, At: now, Action: "product_keys.loaded", RecordType: "console", RecordID: c.ID,
		After: map[string]any{"cards": len(cards), "source": source, "first_card": cards[0].ID}, Orgs: []int64{a.OrgID, c.ID}})
}

// GenerateKeyCards makes a batch of key cards for a console (local mode:
// the cards a distributor would sell) and returns the new keys, shown this
// once.
func (s *Store) GenerateKeyCards(ctx context.Context, a models.Actor, consoleID int64, b models.KeyCardBatch) ([]string, error) {
	var keys []string
	err := s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		c, err := deskConsole(tx, a, consoleID)
		if err != nil {
			return err
		}
		term, seats, count, err := b.Validate()
		if err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&models.Product{}).Where("id = ? AND family = ?", b.ProductID, models.FamilyOffice365).Count(&n).Error; err != nil {
			return fmt.Errorf("generate key cards: %w", err)
		}
		if n == 0 {
			return models.FieldErrors{"product": "Choose an Office 365 product."}.Err()
		}
		cards := make([]models.KeyCard, 0, count)
		for i := 0; i < count; i++ {
			key, err := randomO365Key()
			if err != nil {
				return err
			}
			card, err := s.newKeyCard(models.KeyCardSpec{Key: key, ProductID: b.ProductID, TermMonths: term, Seats: seats}, c.ID, "generated", userRef(a), now)
			if err != nil {
				return err
			}
			cards = append(cards, card)
			keys = append(keys, key)
		}
		return insertKeyCards(tx, a, c, cards, "generated", now)
	})
	if err != nil {
		return nil, err
	}
	return keys, nil
}

// randomO365Key is a new key of 25 letters and digits.
func randomO365Key() (string, error) {
	b := make([]byte, models.O365KeyLength)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate product key: %w", err)
	}
	key, err := models.NewProductKey(models.KeyFormat5x5, b)
	if err != nil {
		return "", err
	}
	return key, nil
}

// ImportKeyCards loads a distributor's CSV of keys for a console: every
// line is checked (format, SKU, term, seats, duplicates, keys already
// loaded anywhere); one bad line loads nothing and names every bad line.
func (s *Store) ImportKeyCards(ctx context.Context, a models.Actor, consoleID int64, r io.Reader) (int, error) {
	if err := a.Require(models.PermDeskProductKeys); err != nil {
		return 0, err
	}
	ps, err := s.O365Products(ctx)
	if err != nil {
		return 0, err
	}
	skus := map[string]int64{}
	for _, p := range ps {
		skus[p.SKU] = p.ID
	}
	specs, err := models.ParseKeyCardsCSV(r, skus)
	if err != nil {
		return 0, err
	}
	err = s.tx(ctx, func(tx *gorm.DB, now time.Time) error {
		c, err := deskConsole(tx, a, consoleID)
		if err != nil {
			return err
		}
		hashes := make([][]byte, len(specs))
		for i, sp := range specs {
			hashes[i] = o365KeyHash(sp.Key)
		}
		var loaded [][]byte
		if err := tx.Model(&models.KeyCard{}).Where("key_hash IN ?", hashes).Pluck("key_hash", &loaded).Error; err != nil {
			return fmt.Errorf("import key cards: %w", err)
		}
		if len(loaded) > 0 {
			have := map[string]bool{}
			for _, h := range loaded {
				have[string(h)] = true
			}
			var bad []models.KeyLineError
			for i, sp := range specs {
				if have[string(hashes[i])] {
					bad = append(bad, models.KeyLineError{Line: sp.Line, Problem: models.ErrKeyAlreadyLoaded()})
				}
			}
			return &models.KeyImportError{Lines: bad}
		}
		cards := make([]models.KeyCard, 0, len(specs))
		for _, sp := range specs {
			card, err := s.newKeyCard(sp, c.ID, "imported", userRef(a), now)
			if err != nil {
				return err
			}
			cards = append(cards, card)
		}
		return insertKeyCards(tx, a, c, cards, "imported", now)
	})
	if err != nil {
		return 0, err
	}
	return len(specs), nil
}

// ---- The key cards list ----

// keyCardsQuery scopes the list: the desk names a console; a partner sees
// its own console's cards only.
func (s *Store) keyCardsQuery(ctx context.Context, a models.Actor, consoleID int64, f models.KeyCardFilter, now time.Time) (*gorm.DB, error) {
	switch {
	case a.OrgKind == models.OrgOperator && a.Can(models.PermDeskProductKeys):
	case a.OrgKind == models.OrgConsole && a.Can(models.PermRedeemKeys):
		consoleID = a.OrgID
	default:
		return nil, models.Forbidden()
	}
	q := s.db.WithContext(ctx).Table("product_key_cards AS k").Where("k.console_id = ?", consoleID)
	if t := strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(f.Query)); t != "" {
		if len(t) > 5 {
			t = t[len(t)-5:]
		}
		q = q.Where("k.key_last5 LIKE ?", "%"+escapeLike(t))
	}
	switch f.State {
	case models.KeyUsed:
		q = q.Where("k.state = 'used'")
	case models.KeyReserved:
		q = q.Where("k.state = 'reserved' AND k.reserved_until > ?", now)
	case models.KeyAvailable:
		q = q.Where("(k.state = 'available' OR (k.state = 'reserved' AND k.reserved_until <= ?))", now)
	}
	if f.ProductID != 0 {
		q = q.Where("k.product_id = ?", f.ProductID)
	}
	return q, nil
}

// ListKeyCards is one keyset page of a console's key cards, newest first.
func (s *Store) ListKeyCards(ctx context.Context, a models.Actor, consoleID int64, f models.KeyCardFilter, cursor string) (models.Page[models.KeyCardRow], error) {
	var page models.Page[models.KeyCardRow]
	now := s.Now()
	if a.OrgKind == models.OrgOperator {
		var n int64
		if err := s.db.WithContext(ctx).Model(&models.Console{}).Where("id = ?", consoleID).Count(&n).Error; err != nil {
			return page, fmt.Errorf("list key cards: %w", err)
		}
		if n == 0 {
			return page, models.NotFound()
		}
	}
	base, err := s.keyCardsQuery(ctx, a, consoleID, f, now)
	if err != nil {
		return page, err
	}
	q := base.Session(&gorm.Session{}).Select("k.*, p.name AS product_name, p.sku AS product_sku").
		Joins("JOIN products p ON p.id = k.product_id")
	if c, ok := models.DecodeCursor(cursor); ok {
		q = q.Where("k.id < ?", c.ID)
	}
	var rows []models.KeyCardRow
	if err := q.Order("k.id DESC").Limit(models.PageSize + 1).Find(&rows).Error; err != nil {
		return page, fmt.Errorf("list key cards: %w", err)
	}
	if len(rows) > models.PageSize {
		rows = rows[:models.PageSize]
		last := rows[len(rows)-1].ID
		page.Next = models.Cursor{Key: strconv.FormatInt(last, 10), ID: last}.Encode()
	}
	for i := range rows {
		rows[i].State = rows[i].EffectiveState(now)
		rows[i].KeySealed = nil
	}
	page.Items = rows
	if cursor == "" && page.Next == "" {
		page.Total = int64(len(rows))
		return page, nil
	}
	base, _ = s.keyCardsQuery(ctx, a, consoleID, f, now)
	page.Total, page.Many, err = cappedCount(base)
	return page, err
}
