package web_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"

	"partnerconsole/models"
)

// Matrix rows of offers, transfer tokens and the Meet migration (issue 4).
func init() {
	matrixSetups = append(matrixSetups, func(t testing.TB, m *matrixEnv) {
		ctx := t.Context()
		var gws int64
		m.Gorm.Table("products").Select("id").Where("sku = 'GWS-BS'").Scan(&gws)
		for _, tn := range []string{"A", "B"} {
			customer, other := m.CustomerA, m.ConsoleB
			if tn == "B" {
				customer, other = m.CustomerB, m.ConsoleA
			}
			// Setups run in file order: this area makes its own billing account.
			b, err := m.Store.SaveBillingAccount(ctx, m.Actor(tn+":super_admin"), 0,
				models.BillingAccountInput{Name: "Offers " + tn, Currency: "EUR", LegalEntity: "Entity " + tn})
			if err != nil {
				t.Fatal(err)
			}
			o, err := m.Store.CreateOffer(ctx, m.Actor(tn+":sales_agent"), models.OfferInput{CustomerID: customer.ID, ProductID: gws,
				Quantity: "5", Plan: models.PlanFlexible, UnitPrice: "7", BillingAccountID: b.ID}, "", true)
			if err != nil {
				t.Fatal(err)
			}
			m.Put("offer", tn, o.ID)
			_, tok, err := m.Store.CreateTransferToken(ctx, m.Actor("cust"+tn+":customer_admin"), other.PublicResellerID)
			if err != nil {
				t.Fatal(err)
			}
			m.Put("token", tn, tok.ID)
		}
		// A direct customer with a draft direct offer, for the desk's rows.
		now := m.Clock.Now()
		var org int64
		if err := m.Gorm.Raw("INSERT INTO organisations (kind, created_at) VALUES ('customer', ?) RETURNING id", now).Scan(&org).Error; err != nil {
			t.Fatal(err)
		}
		if err := m.Gorm.Create(&models.Customer{ID: org, Name: "Direct Co", Domain: "direct.matrix.test", TenantID: uuid.New(), Country: "US",
			Channel: models.ChannelDirect, CreatedAt: now, UpdatedAt: now}).Error; err != nil {
			t.Fatal(err)
		}
		o, err := m.Store.CreateOffer(ctx, m.Actor("desk:sales_rep"), models.OfferInput{CustomerID: org, ProductID: gws, Quantity: "3",
			Plan: models.PlanFlexible, UnitPrice: "8", ExpiresOn: now.AddDate(0, 0, 10).Format(time.DateOnly)}, "USD", false)
		if err != nil {
			t.Fatal(err)
		}
		m.Put("direct_offer", "A", o.ID)
		m.Put("direct_offer", "B", o.ID)
	})

	offers := []string{"*:super_admin", "*:admin_agent", "*:sales_agent"}
	custAdmin := []string{"*:customer_admin"}
	custAll := []string{"custA:*", "custB:*"}
	deskAll := []string{"desk:*"}
	salesRep := []string{"desk:sales_rep"}
	id := func(kind string) map[string]string { return map[string]string{"id": kind} }
	matrix = append(matrix,
		matrixRow{Method: "GET", Path: "/console/offers", Allow: offers},
		matrixRow{Method: "GET", Path: "/console/offers.csv", Allow: offers},
		matrixRow{Method: "GET", Path: "/console/offers/new", Allow: offers},
		matrixRow{Method: "GET", Path: "/console/offers/list-price", Allow: offers},
		matrixRow{Method: "POST", Path: "/console/offers", Allow: offers},
		matrixRow{Method: "GET", Path: "/console/offers/:id", Allow: offers, Params: id("offer")},
		matrixRow{Method: "POST", Path: "/console/offers/:id/send", Allow: offers, Params: id("offer")},
		matrixRow{Method: "GET", Path: "/console/customers/:id/meet", Allow: offers, Params: id("customer")},
		matrixRow{Method: "POST", Path: "/console/customers/:id/meet/start", Allow: offers, Params: id("customer")},
		matrixRow{Method: "POST", Path: "/console/customers/:id/meet/request", Allow: offers, Params: id("customer")},
		matrixRow{Method: "POST", Path: "/console/customers/:id/meet/case", Allow: offers, Params: id("customer")},
		matrixRow{Method: "POST", Path: "/console/customers/:id/meet/share-id", Allow: offers, Params: id("customer")},
		matrixRow{Method: "POST", Path: "/console/customers/:id/meet/confirm", Allow: offers, Params: id("customer")},

		matrixRow{Method: "GET", Path: "/admin/offers", Allow: custAdmin},
		matrixRow{Method: "GET", Path: "/admin/offers.csv", Allow: custAdmin},
		matrixRow{Method: "GET", Path: "/admin/offers/:id", Allow: custAdmin, Params: id("offer")},
		matrixRow{Method: "POST", Path: "/admin/offers/:id/decline", Allow: custAdmin, Params: id("offer")},
		matrixRow{Method: "POST", Path: "/admin/offers/:id/accept", Allow: custAdmin, Params: id("offer"), Form: url.Values{"terms": {"on"}}},
		matrixRow{Method: "GET", Path: "/admin/tokens", Allow: custAdmin},
		matrixRow{Method: "POST", Path: "/admin/tokens", Allow: custAdmin},
		matrixRow{Method: "POST", Path: "/admin/tokens/:id/regenerate", Allow: custAdmin, Params: id("token")},
		matrixRow{Method: "POST", Path: "/admin/tokens/:id/revoke", Allow: custAdmin, Params: id("token")},
		matrixRow{Method: "GET", Path: "/admin/terms", Allow: custAdmin},
		matrixRow{Method: "POST", Path: "/admin/terms", Allow: custAdmin},
		matrixRow{Method: "GET", Path: "/admin/meet", Allow: custAll},

		matrixRow{Method: "GET", Path: "/desk/offers", Allow: deskAll},
		matrixRow{Method: "GET", Path: "/desk/offers.csv", Allow: deskAll},
		matrixRow{Method: "GET", Path: "/desk/offers/new", Allow: salesRep},
		matrixRow{Method: "GET", Path: "/desk/offers/list-price", Allow: salesRep},
		matrixRow{Method: "POST", Path: "/desk/offers", Allow: salesRep},
		matrixRow{Method: "GET", Path: "/desk/offers/:id", Allow: deskAll, Params: id("offer")},
		matrixRow{Method: "POST", Path: "/desk/offers/:id/send", Allow: salesRep, Params: id("direct_offer")},
		matrixRow{Method: "GET", Path: "/desk/customers/:id/meet", Allow: deskAll, Params: id("customer")},
		matrixRow{Method: "POST", Path: "/desk/customers/:id/meet/start", Allow: salesRep, Params: id("customer")},
		matrixRow{Method: "POST", Path: "/desk/customers/:id/meet/confirm", Allow: salesRep, Params: id("customer")},
	)
	// Withdrawing ends the offers; later rows then answer 409, which counts as allowed.
	matrix = append(matrix,
		matrixRow{Method: "POST", Path: "/console/offers/:id/withdraw", Allow: offers, Params: id("offer")},
		matrixRow{Method: "POST", Path: "/desk/offers/:id/withdraw", Allow: salesRep, Params: id("direct_offer")},
	)
}
