package models

import (
	"testing"
	"time"
)

func TestAcceptTerms(t *testing.T) {
	v1 := TermsVersion{ID: 1, Version: "2026-01", PublishedAt: day(2026, 1, 1)}
	v2 := TermsVersion{ID: 2, Version: "2026-06", PublishedAt: day(2026, 6, 1)}
	earlier := t0.Add(-24 * time.Hour)
	onV1 := TermsStanding{AcceptedAt: &earlier, VersionID: refOf(int64(1)), Version: "2026-01"}
	cases := []struct {
		name     string
		standing TermsStanding
		current  *TermsVersion
		seen     int64
		code     Code
		changed  bool
	}{
		{"first acceptance of the version read", TermsStanding{}, &v1, 1, "", true},
		{"form without a version accepts the one in force", TermsStanding{}, &v1, 0, "", true},
		{"same version again changes nothing", onV1, &v1, 1, "", false},
		{"a newer version is accepted", onV1, &v2, 2, "", true},
		{"the version read was replaced meanwhile", onV1, &v2, 1, CodeConflict, false},
		{"nothing published", TermsStanding{}, nil, 0, CodeConflict, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			next, changed, err := AcceptTerms(c.standing, c.current, c.seen, t0)
			if c.code != "" {
				if ErrorCode(err) != c.code {
					t.Fatalf("got %v, want %s", err, c.code)
				}
				return
			}
			if err != nil || changed != c.changed {
				t.Fatalf("changed %v err %v", changed, err)
			}
			if !next.AcceptedVersion(*c.current) || next.Version != c.current.Version {
				t.Errorf("standing %+v", next)
			}
			if changed && !next.AcceptedAt.Equal(t0) {
				t.Errorf("accepted at %v", next.AcceptedAt)
			}
		})
	}
}

func TestLiftTermsSuspension(t *testing.T) {
	only := Subscription{ID: 1, Status: SubSuspended, SuspensionReasons: TextArray{string(SuspendPendingTOS)}}
	also := Subscription{ID: 2, Status: SubSuspended, SuspensionReasons: TextArray{string(SuspendPendingTOS), string(SuspendNonPayment)}}
	other := Subscription{ID: 3, Status: SubSuspended, SuspensionReasons: TextArray{string(SuspendNonPayment)}}
	got := LiftTermsSuspension([]Subscription{only, also, other}, t0)
	if len(got) != 2 {
		t.Fatalf("%d changes", len(got))
	}
	t.Run("only the terms: active again", func(t *testing.T) {
		if got[0].After.Status != SubActive || len(got[0].After.SuspensionReasons) != 0 || got[0].Before.Status != SubSuspended {
			t.Errorf("%+v", got[0])
		}
	})
	t.Run("another reason stays", func(t *testing.T) {
		if got[1].After.Status != SubSuspended || !got[1].After.HasReason(SuspendNonPayment) || got[1].After.HasReason(SuspendPendingTOS) ||
			!got[1].Before.HasReason(SuspendPendingTOS) {
			t.Errorf("%+v", got[1])
		}
	})
}

func TestTermsText(t *testing.T) {
	texts := []TermsText{{Locale: "en", Title: "Terms"}, {Locale: "fr", Title: "Conditions"}}
	for _, c := range []struct{ locale, want string }{{"fr", "Conditions"}, {"ja", "Terms"}, {"en", "Terms"}} {
		t.Run(c.locale, func(t *testing.T) {
			if got, ok := PickTermsText(texts, c.locale); !ok || got.Title != c.want {
				t.Errorf("got %q", got.Title)
			}
		})
	}
	d := TermsDocument{Text: TermsText{Body: "1. One.\r\n\r\n2. Two.\n\n\n3. Three."}}
	if ps := d.Paragraphs(); len(ps) != 3 || ps[1] != "2. Two." {
		t.Errorf("paragraphs %q", ps)
	}
}
