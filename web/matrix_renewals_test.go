package web_test

// Matrix rows of the term's end (issue 11): the partner's Renewals page and
// its CSV, renewing or reactivating by direct billing on both portals (the
// subscriptions come from the subscription life's setup).
func init() {
	consoleAll := []string{"A:*", "B:*"}
	manage := []string{"*:super_admin", "*:admin_agent"}
	custAdmin := []string{"*:customer_admin"}
	id := map[string]string{"id": "subscription"}
	matrix = append(matrix,
		matrixRow{Method: "GET", Path: "/console/renewals", Allow: consoleAll, Status: 200},
		matrixRow{Method: "GET", Path: "/console/renewals.csv", Allow: consoleAll, Status: 200},
		matrixRow{Method: "POST", Path: "/console/subscriptions/:id/renew-direct", Allow: manage, Params: id},
		matrixRow{Method: "POST", Path: "/admin/subscriptions/:id/renew-direct", Allow: custAdmin, Params: id},
	)
}
