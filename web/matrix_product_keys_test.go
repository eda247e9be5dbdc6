package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// Matrix rows of Office 365 product keys (issue 11, R-PK-1, R-ROLE-2,
// R-ROLE-4): super admins and admin agents redeem keys and renew with a
// key (never a sales or helpdesk agent); the desk's operator admins and
// sales reps load key cards. The invitation's set-password page
// (/invitations/:token) is outside the matrix: its token is the authority
// (web/product_keys_test.go). The wizard's posts go to the actor's own
// draft; with empty forms they answer 422 or 409 (nothing started).
func init() {
	matrixSetups = append(matrixSetups, func(t testing.TB, m *matrixEnv) {
		for _, tn := range []string{"A", "B"} {
			console, customer := m.ConsoleA, m.CustomerA
			if tn == "B" {
				console, customer = m.ConsoleB, m.CustomerB
			}
			var id int64
			if err := m.Gorm.Raw(`INSERT INTO subscriptions (customer_id, console_id, product_id, quantity, plan, channel, status,
	start_date, end_date, renewal_option, created_at, updated_at)
SELECT ?, ?, id, 25, 'annual_prepaid', 'online', 'active', now(), now() + interval '1 year', 'renew_manually', now(), now()
FROM products WHERE sku = 'O365-E3' RETURNING id`, customer.ID, console.ID).Scan(&id).Error; err != nil || id == 0 {
				t.Fatalf("matrix: office 365 subscription: %v", err)
			}
			m.Put("o365_subscription", tn, id)
			// An administrator invited long ago who has not set a password:
			// the console may send a new invitation (then 409 for 10 minutes).
			var uid int64
			if err := m.Gorm.Raw(`INSERT INTO users (organisation_id, email, name, password_hash, role, created_at, updated_at)
VALUES (?, ?, 'Invited Admin', 'unset', 'customer_admin', now(), now()) RETURNING id`, customer.ID, "invited-"+strings.ToLower(tn)+"@matrix.example").Scan(&uid).Error; err != nil || uid == 0 {
				t.Fatalf("matrix: invited admin: %v", err)
			}
			if err := m.Gorm.Exec(`INSERT INTO user_invitations (user_id, token_hash, expires_at, created_at)
VALUES (?, sha256(?::bytea), '2000-01-08', '2000-01-01')`, uid, "matrix-invitation-"+tn).Error; err != nil {
				t.Fatalf("matrix: invitation: %v", err)
			}
			m.Put("invited_admin", tn, uid)
		}
	})
	redeem := []string{"*:super_admin", "*:admin_agent"}
	deskKeys := []string{"desk:operator_admin", "desk:sales_rep"}
	sub := map[string]string{"id": "o365_subscription"}
	con := map[string]string{"id": "console"}
	matrix = append(matrix,
		matrixRow{Method: "GET", Path: "/console/product-keys", Allow: redeem, Status: http.StatusOK},
		matrixRow{Method: "GET", Path: "/console/product-keys/redeem", Allow: redeem, Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/console/product-keys/redeem/start", Allow: redeem, Status: http.StatusUnprocessableEntity},
		matrixRow{Method: "POST", Path: "/console/product-keys/redeem/keys", Allow: redeem, Status: http.StatusConflict},
		matrixRow{Method: "POST", Path: "/console/product-keys/redeem/remove", Allow: redeem, Status: http.StatusConflict},
		matrixRow{Method: "POST", Path: "/console/product-keys/redeem/back", Allow: redeem, Status: http.StatusConflict},
		matrixRow{Method: "POST", Path: "/console/product-keys/redeem/review", Allow: redeem, Status: http.StatusConflict},
		matrixRow{Method: "POST", Path: "/console/product-keys/redeem/account", Allow: redeem, Status: http.StatusUnprocessableEntity},
		matrixRow{Method: "GET", Path: "/console/subscriptions/:id/renew-with-key", Allow: redeem, Params: sub, Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/console/subscriptions/:id/renew-with-key", Allow: redeem, Params: sub, Status: http.StatusUnprocessableEntity},
		matrixRow{Method: "POST", Path: "/console/customers/:id/invitations/:uid/resend", Allow: redeem,
			Params: map[string]string{"id": "customer", "uid": "invited_admin"}},
		matrixRow{Method: "GET", Path: "/desk/consoles/:id/product-keys", Allow: deskKeys, Params: con, Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/desk/consoles/:id/product-keys/generate", Allow: deskKeys, Params: con, Status: http.StatusUnprocessableEntity},
		matrixRow{Method: "POST", Path: "/desk/consoles/:id/product-keys/import", Allow: deskKeys, Params: con, Status: http.StatusUnprocessableEntity},
	)
}
