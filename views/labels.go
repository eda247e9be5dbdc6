package views

import "partnerconsole/models"

// PlanName is a plan's label in the user's language.
func (p Page) PlanName(pl models.Plan) string {
	switch pl {
	case models.PlanFlexible:
		return p.Tr("Flexible (monthly)")
	case models.PlanAnnualMonthly:
		return p.Tr("Annual commitment, paid monthly")
	case models.PlanAnnualPrepaid:
		return p.Tr("Annual, prepaid")
	case models.PlanTrial:
		return p.Tr("Trial")
	case models.PlanGrace:
		return p.Tr("Temporary online grace plan")
	}
	return string(pl)
}

// ChannelName labels a customer's channel.
func (p Page) ChannelName(ch models.Channel) string {
	if ch == models.ChannelDirect {
		return p.Tr("Direct")
	}
	return p.Tr("Through a reseller")
}

// SubChannelName labels a subscription's channel.
func (p Page) SubChannelName(ch models.SubChannel) string {
	if ch == models.SubOnline {
		return p.Tr("Online")
	}
	return p.Tr("Offline")
}

// StatusName labels a subscription status.
func (p Page) StatusName(s models.SubStatus) string {
	switch s {
	case models.SubActive:
		return p.Tr("Active")
	case models.SubEnded:
		return p.Tr("Ended")
	case models.SubExpired:
		return p.Tr("Expired")
	case models.SubDisabled:
		return p.Tr("Disabled")
	case models.SubDeleted:
		return p.Tr("Deleted")
	}
	return p.Tr("Suspended")
}

// RenewalName labels a renewal option.
func (p Page) RenewalName(r models.RenewalOption) string {
	switch r {
	case models.RenewAuto:
		return p.Tr("Renews automatically")
	case models.RenewManually:
		return p.Tr("Renew manually")
	case models.CancelAtEnd:
		return p.Tr("Cancel at the end date")
	}
	return string(r)
}

// ReasonName labels a suspension reason.
func (p Page) ReasonName(r string) string {
	switch models.SuspensionReason(r) {
	case models.SuspendResellerInitiated:
		return p.Tr("Suspended by the reseller")
	case models.SuspendTrialEnded:
		return p.Tr("Trial ended")
	case models.SuspendNonPayment:
		return p.Tr("Non-payment")
	case models.SuspendPendingTOS:
		return p.Tr("Terms of service not yet accepted")
	case models.SuspendRenewalWithCancel:
		return p.Tr("Cancelled at renewal")
	}
	return p.Tr("Other")
}

// TierName labels a console tier.
func (p Page) TierName(t models.Tier) string {
	if t == models.TierTwoTier {
		return p.Tr("Two-tier (through a distributor)")
	}
	return p.Tr("One-tier (direct)")
}
