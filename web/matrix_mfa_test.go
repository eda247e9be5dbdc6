package web_test

import "net/http"

// Two-factor sign-in and step-up routes (issue 8 §1). The sign-in steps are
// public: a signed-in user is sent to their portal, a visitor without a
// half-signed-in session to the sign-in page.
func init() {
	matrix = append(matrix,
		matrixRow{Method: "GET", Path: "/sign-in/code", Allow: []string{"public"}},
		matrixRow{Method: "POST", Path: "/sign-in/code", Allow: []string{"public"}},
		matrixRow{Method: "GET", Path: "/sign-in/enrol", Allow: []string{"public"}},
		matrixRow{Method: "POST", Path: "/sign-in/enrol", Allow: []string{"public"}},
		matrixRow{Method: "GET", Path: "/two-factor/qr.png", Allow: []string{"public"}},
		matrixRow{Method: "GET", Path: "/account/two-factor", Allow: []string{"*"}, Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/account/two-factor/setup", Allow: []string{"*"}},
		matrixRow{Method: "POST", Path: "/account/two-factor", Allow: []string{"*"}},
		matrixRow{Method: "POST", Path: "/account/two-factor/recovery-codes", Allow: []string{"*"}},
		matrixRow{Method: "POST", Path: "/account/two-factor/off", Allow: []string{"*"}},
		matrixRow{Method: "GET", Path: "/step-up", Allow: []string{"*"}, Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/step-up", Allow: []string{"*"}},
		matrixRow{Method: "POST", Path: "/console/users/:id/two-factor/reset", Allow: []string{"*:super_admin"}, Params: map[string]string{"id": "user"}},
		matrixRow{Method: "GET", Path: "/desk/two-factor", Allow: []string{"desk:operator_admin"}, Status: http.StatusOK},
		matrixRow{Method: "POST", Path: "/desk/two-factor/reset", Allow: []string{"desk:operator_admin"}},
	)
}
