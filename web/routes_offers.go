package web

import (
	"net/http"

	"partnerconsole/handlers"
	"partnerconsole/models"
)

// Offers, transfer tokens and the Meet hardware migration (SPEC §3, §4).
func init() {
	areaRoutes = append(areaRoutes, func(h *handlers.H) []Route {
		const GET, POST = http.MethodGet, http.MethodPost
		offers := console(models.PermOffers)
		accept := customer(models.PermOfferAccept)
		direct := desk(models.PermDirectOffers)
		return []Route{
			// Partner console
			{GET, "/console/offers", h.Offers, offers},
			{GET, "/console/offers.csv", h.OffersCSV, offers},
			{GET, "/console/offers/new", h.NewOffer, offers},
			{GET, "/console/offers/list-price", h.OfferListPrice, offers},
			{POST, "/console/offers", h.CreateOffer, offers},
			{GET, "/console/offers/:id", h.Offer, offers},
			{POST, "/console/offers/:id/send", h.SendOffer, offers},
			{POST, "/console/offers/:id/withdraw", h.WithdrawOffer, offers},
			{GET, "/console/customers/:id/meet", h.Meet, offers},
			{POST, "/console/customers/:id/meet/start", h.StartMeet, offers},
			{POST, "/console/customers/:id/meet/request", h.MeetRequest, offers},
			{POST, "/console/customers/:id/meet/case", h.MeetCase, offers},
			{POST, "/console/customers/:id/meet/share-id", h.MeetShareID, offers},
			{POST, "/console/customers/:id/meet/confirm", h.MeetConfirm, offers},

			// Customer admin
			{GET, "/admin/offers", h.Offers, accept},
			{GET, "/admin/offers.csv", h.OffersCSV, accept},
			{GET, "/admin/offers/:id", h.Offer, accept},
			{POST, "/admin/offers/:id/accept", h.AcceptOffer, accept},
			{POST, "/admin/offers/:id/decline", h.DeclineOffer, accept},
			{GET, "/admin/tokens", h.Tokens, customer(models.PermTokens)},
			{POST, "/admin/tokens", h.CreateToken, customer(models.PermTokens)},
			{POST, "/admin/tokens/:id/revoke", h.RevokeToken, customer(models.PermTokens)},
			{POST, "/admin/tokens/:id/regenerate", h.RegenerateToken, customer(models.PermTokens)},
			{GET, "/admin/terms", h.Terms, customer(models.PermAcceptTerms)},
			{POST, "/admin/terms", h.AcceptTerms, customer(models.PermAcceptTerms)},
			{GET, "/admin/meet", h.MyMeet, customer(models.PermViewOwnOrg)},

			// Support desk
			{GET, "/desk/offers", h.Offers, desk(models.PermDeskCustomers)},
			{GET, "/desk/offers.csv", h.OffersCSV, desk(models.PermDeskCustomers)},
			{GET, "/desk/offers/new", h.NewOffer, direct},
			{GET, "/desk/offers/list-price", h.OfferListPrice, direct},
			{POST, "/desk/offers", h.CreateOffer, direct},
			{GET, "/desk/offers/:id", h.Offer, desk(models.PermDeskCustomers)},
			{POST, "/desk/offers/:id/send", h.SendOffer, direct},
			{POST, "/desk/offers/:id/withdraw", h.WithdrawOffer, direct},
			{GET, "/desk/customers/:id/meet", h.Meet, desk(models.PermDeskCustomers)},
			{POST, "/desk/customers/:id/meet/start", h.StartMeet, direct},
			{POST, "/desk/customers/:id/meet/confirm", h.MeetConfirm, direct},
		}
	})
}
