package store_test

import (
	"testing"
	"time"

	"partnerconsole/models"
	"partnerconsole/models/store/storetest"
)

func TestRenewalsJob(t *testing.T) {
	f := storetest.Seed(t)
	ca := f.ConsoleA.ID
	online := addSubscription(t, f, f.CustomerA.ID, &ca)
	cancelled := addSubscription(t, f, f.CustomerA.ID, &ca)
	f.Gorm.Model(&cancelled).Update("renewal_option", models.CancelAtEnd)
	f.Clock.Advance(366 * 24 * time.Hour)
	rep, err := f.Store.ApplyRenewals(bg)
	if err != nil || rep.Renewed != 1 || rep.Ended != 1 {
		t.Fatalf("renewals: %+v %v", rep, err)
	}
	var s1, s2 models.Subscription
	f.Gorm.Take(&s1, online.ID)
	f.Gorm.Take(&s2, cancelled.ID)
	if !s1.EndDate.After(online.EndDate) || s1.Status != models.SubActive {
		t.Errorf("online: %+v", s1)
	}
	if s2.Status != models.SubSuspended {
		t.Errorf("cancelled: %+v", s2)
	}
	if rep, _ := f.Store.ApplyRenewals(bg); rep.Renewed+rep.Ended != 0 {
		t.Errorf("second run changed %+v", rep)
	}
}
